import { extname } from 'node:path';
import type { Lane } from '../../prices/types.js';
import type { UsageRecord } from '../usage-record.js';
import { readCsvFile } from './csv-parser.js';
import {
  FieldProblem,
  nanoUsdFromUsd,
  optionalBoolean,
  optionalDecimal,
  optionalText,
  optionalTimestamp,
  optionalWholeNumber,
  problemMessage,
  RowProblem,
  text,
  timestamp,
} from './field-checks.js';
import { ImportError } from './import-error.js';
import { positionIn, readJsonItems } from './json-items.js';
import {
  csvRowReader,
  isObject,
  normalizeProvider,
  objectRowReader,
  providerOfModel,
  type RowValues,
  safeKeyId,
  stripProviderPrefix,
} from './row-tools.js';
import type { ImportOptions, ImportSource } from './types.js';

/**
 * LiteLLM's spend log (`LiteLLM_SpendLogs`, one row per request through the LiteLLM proxy), as
 * a CSV export of the table or as JSON / JSON Lines (the `/spend/logs` API's answer). `spend` is
 * what LiteLLM priced the request at, in USD. `metadata` is a JSON object (a JSON string in CSV)
 * holding the key's team, the request's tags and headers and the usage details.
 */

const endpointsByCallType: Record<string, string> = {
  completion: '/v1/chat/completions',
  acompletion: '/v1/chat/completions',
  text_completion: '/v1/completions',
  atext_completion: '/v1/completions',
  embedding: '/v1/embeddings',
  aembedding: '/v1/embeddings',
  responses: '/v1/responses',
  aresponses: '/v1/responses',
  anthropic_messages: '/v1/messages',
  moderation: '/v1/moderations',
  amoderation: '/v1/moderations',
};

export async function* readLitellm(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  const extension = extname(source.path).toLowerCase();
  if (extension === '.json' || extension === '.jsonl' || extension === '.ndjson') {
    yield* readLitellmJson(source, options);
  } else {
    yield* readLitellmCsv(source, options);
  }
}

async function* readLitellmCsv(source: ImportSource, options: ImportOptions): AsyncGenerator<UsageRecord> {
  let rowReader: ((fields: readonly string[]) => RowValues) | undefined;
  let width = 0;
  for await (const record of readCsvFile(source.path)) {
    const position = `line ${record.line}`;
    if (record.error) {
      options.onIssue({ path: source.path, position, message: record.error });
      continue;
    }
    if (!rowReader) {
      const missing = ['startTime', 'model'].filter((column) => !record.fields.includes(column));
      if (missing.length > 0) {
        throw new ImportError(
          `the header has no ${missing.join(', ')} column: expected LiteLLM_SpendLogs columns (request_id, startTime, model, prompt_tokens, completion_tokens, spend…)`,
          { place: `${source.path}:${record.line}` },
        );
      }
      rowReader = csvRowReader(record.fields);
      width = record.fields.length;
      continue;
    }
    try {
      if (record.fields.length !== width) {
        throw new RowProblem(`expected ${width} fields as in the header, found ${record.fields.length}`);
      }
      yield toRecord(rowReader(record.fields), source, position);
    } catch (error) {
      options.onIssue({ path: source.path, position, message: problemMessage(error) });
    }
  }
}

async function* readLitellmJson(source: ImportSource, options: ImportOptions): AsyncGenerator<UsageRecord> {
  for await (const item of readJsonItems(source.path, options)) {
    // `/spend/logs/v2` pages its answer: `{ data: [rows], total, page, … }`.
    const page = isObject(item.value) && !('startTime' in item.value) ? item.value['data'] : undefined;
    const rows = Array.isArray(page) ? page : [item.value];
    for (let index = 0; index < rows.length; index++) {
      const path = Array.isArray(page) ? `data[${index}]` : '';
      const position = positionIn(item, path) || '$';
      const row = rows[index];
      try {
        if (!isObject(row)) throw new RowProblem('expected a spend log row (a JSON object)');
        yield toRecord(objectRowReader(row), source, position);
      } catch (error) {
        options.onIssue({ path: source.path, position, message: problemMessage(error) });
      }
    }
  }
}

function toRecord(row: RowValues, source: ImportSource, position: string): UsageRecord {
  const metadata = jsonObject(row('metadata'), 'metadata');
  const rawModel = text(row('model'), 'model');
  const providerColumn = optionalText(row('custom_llm_provider'), 'custom_llm_provider');
  const provider = providerColumn ? normalizeProvider(providerColumn) : providerOfModel(rawModel);
  if (provider === undefined) {
    throw new FieldProblem(
      'custom_llm_provider',
      'the provider name (openai, anthropic…), as the model id does not tell it',
      row('custom_llm_provider'),
    );
  }
  const startedAt = timestamp(row('startTime'), 'startTime');
  const endedAt = optionalTimestamp(row('endTime'), 'endTime');
  const firstTokenAt = optionalTimestamp(row('completionStartTime'), 'completionStartTime');
  const inputTokens = optionalWholeNumber(row('prompt_tokens'), 'prompt_tokens') ?? 0;
  const outputTokens = optionalWholeNumber(row('completion_tokens'), 'completion_tokens') ?? 0;
  const spend = optionalDecimal(row('spend'), 'spend');
  const callType = optionalText(row('call_type'), 'call_type');
  const tags = tagList(row('request_tags')) ?? tagList(metadata?.['tags']);
  const serviceTier =
    stringIn(metadata, 'service_tier') ?? stringIn(metadata?.['hidden_params'], 'service_tier');
  const usage = metadata?.['usage_object'];
  const cached = wholeIn(isObject(usage) ? usage['prompt_tokens_details'] : undefined, 'cached_tokens');
  const cacheWritten = wholeIn(usage, 'cache_creation_input_tokens');

  const record: UsageRecord = {
    startedAt,
    requests: 1,
    provider,
    model: stripProviderPrefix(rawModel, provider),
    lane: laneOf(callType, serviceTier),
    inputTokens,
    outputTokens,
    origin: { format: source.format, path: source.path, position },
  };
  const endpoint = callType ? endpointsByCallType[callType] : undefined;
  if (endpoint) record.endpoint = endpoint;
  const workload = workloadOf(metadata, tags);
  if (workload) record.workload = workload;
  const team =
    stringIn(metadata, 'user_api_key_team_alias') ??
    optionalText(row('team_id'), 'team_id') ??
    stringIn(metadata, 'user_api_key_team_id');
  if (team) record.team = team;
  const apiKey = safeKeyId(optionalText(row('api_key'), 'api_key'));
  if (apiKey) record.apiKey = apiKey;
  const endUser = optionalText(row('end_user'), 'end_user');
  if (endUser) record.endUser = endUser;
  const session =
    optionalText(row('session_id'), 'session_id') ??
    stringIn(metadata, 'litellm_session_id') ??
    stringIn(metadata, 'session_id');
  if (session) record.session = session;
  const userAgent =
    stringIn(metadata?.['headers'], 'user-agent') ??
    stringIn(metadata?.['requester_custom_headers'], 'user-agent') ??
    stringIn(metadata, 'user_agent');
  if (userAgent) record.userAgent = userAgent;
  if (tags && tags.length > 0) {
    record.tags = tags;
    const project = tagValue(tags, 'project:');
    if (project) record.project = project;
    const service = tagValue(tags, 'service:');
    if (service) record.service = service;
  }
  const stream = streamOf(row, metadata, firstTokenAt, endedAt);
  if (stream !== undefined) record.stream = stream;
  if (endedAt !== undefined && endedAt >= startedAt) record.latencyMs = endedAt - startedAt;
  if (firstTokenAt !== undefined && firstTokenAt >= startedAt) record.firstTokenMs = firstTokenAt - startedAt;
  if (serviceTier) record.serviceTier = serviceTier;
  const requestId = optionalText(row('request_id'), 'request_id');
  if (requestId) record.requestId = requestId;
  const status = optionalText(row('status'), 'status');
  if (status === 'failure') record.failed = true;
  // Cache details are kept only when they fit inside the prompt count they are part of.
  if (cached !== undefined && cached <= inputTokens) record.cachedInputTokens = cached;
  if (cacheWritten !== undefined && cacheWritten + (record.cachedInputTokens ?? 0) <= inputTokens) {
    record.cacheCreationInputTokens = cacheWritten;
  }
  if (spend !== undefined) record.costNanoUsd = nanoUsdFromUsd(spend);
  return record;
}

function laneOf(callType: string | undefined, serviceTier: string | undefined): Lane {
  if (callType?.includes('batch')) return 'batch';
  if (serviceTier === 'flex') return 'flex';
  return 'realtime';
}

/**
 * Streamed or not: the `stream` flag where the export has it, else LiteLLM's timing: it sets
 * `completionStartTime` to the first chunk's arrival when streaming and to `endTime` otherwise.
 */
function streamOf(
  row: RowValues,
  metadata: Record<string, unknown> | undefined,
  firstTokenAt: number | undefined,
  endedAt: number | undefined,
): boolean | undefined {
  const flag = optionalBoolean(row('stream'), 'stream') ?? booleanIn(metadata, 'stream');
  if (flag !== undefined) return flag;
  if (firstTokenAt === undefined || endedAt === undefined) return undefined;
  return firstTokenAt < endedAt;
}

function workloadOf(
  metadata: Record<string, unknown> | undefined,
  tags: readonly string[] | undefined,
): string | undefined {
  const fromMetadata =
    stringIn(metadata, 'spendwall_workload') ??
    stringIn(metadata, 'workload') ??
    stringIn(metadata?.['requester_metadata'], 'workload') ??
    stringIn(metadata?.['headers'], 'x-spendwall-workload');
  if (fromMetadata) return fromMetadata;
  return tags ? tagValue(tags, 'workload:') : undefined;
}

/** `NAME` of the first `prefix:NAME` tag. */
function tagValue(tags: readonly string[], prefix: string): string | undefined {
  const tag = tags.find((value) => value.startsWith(prefix));
  return tag ? tag.slice(prefix.length) || undefined : undefined;
}

/** A JSON object given as an object (JSON export) or as JSON text (CSV export). */
function jsonObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '' || value === '{}') return undefined;
  if (isObject(value)) return value;
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new FieldProblem(field, 'a JSON object', value);
    }
    if (isObject(parsed)) return parsed;
  }
  throw new FieldProblem(field, 'a JSON object', value);
}

function tagList(value: unknown): string[] | undefined {
  let list = value;
  if (typeof value === 'string') {
    if (value === '' || value === '[]') return undefined;
    try {
      list = JSON.parse(value);
    } catch {
      throw new FieldProblem('request_tags', 'a JSON array of strings', value);
    }
  }
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new FieldProblem('request_tags', 'a JSON array of strings', value);
  return list.filter((tag): tag is string => typeof tag === 'string');
}

function stringIn(object: unknown, key: string): string | undefined {
  if (!isObject(object)) return undefined;
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function booleanIn(object: unknown, key: string): boolean | undefined {
  if (!isObject(object)) return undefined;
  const value = object[key];
  return typeof value === 'boolean' ? value : undefined;
}

function wholeIn(object: unknown, key: string): number | undefined {
  if (!isObject(object)) return undefined;
  const value = object[key];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
