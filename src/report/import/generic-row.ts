import type { Lane } from '../../prices/types.js';
import type { UsageRecord } from '../usage-record.js';
import { type ColumnMap, columnOf, type GenericField } from './column-map.js';
import {
  FieldProblem,
  nanoUsdFromUsd,
  optionalBoolean,
  optionalDecimal,
  optionalText,
  optionalWholeNumber,
  RowProblem,
  text,
  timestamp,
  wholeNumber,
} from './field-checks.js';
import { normalizeProvider, providerOfModel, type RowValues, safeKeyId } from './row-tools.js';
import type { ImportSource } from './types.js';

/**
 * One row of the generic `csv` or `jsonl` format (fields in docs/importers.md). Problems name
 * the column the field was read from, which is what the user sees in the file.
 */
export function genericRecord(
  row: RowValues,
  map: ColumnMap | undefined,
  source: ImportSource,
  position: string,
): UsageRecord {
  const read = (field: GenericField): [unknown, string] => {
    const column = columnOf(map, field);
    return [row(column), column];
  };
  const model = text(...read('model'));
  const [providerValue, providerColumn] = read('provider');
  const named = optionalText(providerValue, providerColumn);
  const provider = named ? normalizeProvider(named) : providerOfModel(model);
  if (provider === undefined) {
    throw new FieldProblem(
      providerColumn,
      'the provider (openai, anthropic…), as the model id does not tell it',
      providerValue,
    );
  }
  const inputTokens = wholeNumber(...read('input_tokens'));
  const record: UsageRecord = {
    startedAt: timestamp(...read('time')),
    requests: optionalWholeNumber(...read('requests')) ?? 1,
    provider,
    model,
    lane: laneOf(...read('lane')),
    inputTokens,
    outputTokens: wholeNumber(...read('output_tokens')),
    origin: { format: source.format, path: source.path, position },
  };
  const durationMs = optionalWholeNumber(...read('duration_ms'));
  if (durationMs !== undefined) record.durationMs = durationMs;
  const strings: [
    GenericField,
    (
      | 'endpoint'
      | 'workload'
      | 'team'
      | 'project'
      | 'endUser'
      | 'session'
      | 'userAgent'
      | 'serviceTier'
      | 'service'
      | 'requestId'
    ),
  ][] = [
    ['endpoint', 'endpoint'],
    ['workload', 'workload'],
    ['team', 'team'],
    ['project', 'project'],
    ['end_user', 'endUser'],
    ['session', 'session'],
    ['user_agent', 'userAgent'],
    ['service_tier', 'serviceTier'],
    ['service', 'service'],
    ['request_id', 'requestId'],
  ];
  for (const [field, property] of strings) {
    const value = optionalText(...read(field));
    if (value !== undefined) record[property] = value;
  }
  const apiKey = safeKeyId(optionalText(...read('api_key')));
  if (apiKey) record.apiKey = apiKey;
  const tags = tagsOf(...read('tags'));
  if (tags) record.tags = tags;
  const stream = optionalBoolean(...read('stream'));
  if (stream !== undefined) record.stream = stream;
  const failed = optionalBoolean(...read('failed'));
  if (failed !== undefined) record.failed = failed;
  const latencyMs = optionalWholeNumber(...read('latency_ms'));
  if (latencyMs !== undefined) record.latencyMs = latencyMs;
  const firstTokenMs = optionalWholeNumber(...read('first_token_ms'));
  if (firstTokenMs !== undefined) record.firstTokenMs = firstTokenMs;
  const cached = optionalWholeNumber(...read('cached_input_tokens'));
  const written = optionalWholeNumber(...read('cache_creation_input_tokens'));
  if ((cached ?? 0) + (written ?? 0) > inputTokens) {
    throw new RowProblem(
      `${columnOf(map, 'cached_input_tokens')} and ${columnOf(map, 'cache_creation_input_tokens')} are part of ${columnOf(map, 'input_tokens')} and cannot exceed it`,
    );
  }
  if (cached !== undefined) record.cachedInputTokens = cached;
  if (written !== undefined) record.cacheCreationInputTokens = written;
  const costNano = optionalWholeNumber(...read('cost_nanousd'));
  const costUsd = optionalDecimal(...read('cost_usd'));
  if (costNano !== undefined) record.costNanoUsd = costNano;
  else if (costUsd !== undefined) record.costNanoUsd = nanoUsdFromUsd(costUsd);
  return record;
}

function laneOf(value: unknown, column: string): Lane {
  if (value === undefined || value === null || value === '') return 'realtime';
  if (value === 'realtime' || value === 'flex' || value === 'batch') return value;
  throw new FieldProblem(column, 'realtime, flex or batch', value);
}

/** A JSON array of strings, or a string of tags separated by commas or semicolons. */
function tagsOf(value: unknown, column: string): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.filter((tag): tag is string => typeof tag === 'string');
  if (typeof value !== 'string') throw new FieldProblem(column, 'a list of tags', value);
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.filter((tag): tag is string => typeof tag === 'string');
    } catch {
      // Not JSON: read it as separated text below.
    }
  }
  const tags = value
    .split(/[;,]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
  return tags.length > 0 ? tags : undefined;
}
