import type { Lane } from '../../prices/types.js';
import type { UsageRecord } from '../usage-record.js';
import {
  FieldProblem,
  optionalText,
  optionalWholeNumber,
  RowProblem,
  text,
  timestamp,
  wholeNumber,
} from './field-checks.js';
import { isObject, safeKeyId } from './row-tools.js';
import type { ImportOptions, ImportSource } from './types.js';
import { type BucketResult, convertResult, readBucketResults } from './usage-pages.js';

/**
 * Anthropic's Admin API usage report (`GET /v1/organizations/usage_report/messages`): pages of
 * time buckets (`starting_at`, `ending_at`), each with token counts per group. Group the export
 * by `model` (required here) and `service_tier` (else batch traffic reads as realtime).
 *
 * The report counts tokens, not requests. Records carry `requests: 0` with
 * `requestCountUnknown: true` rather than an estimate: a request count guessed from tokens would
 * look like evidence it is not. Input is summed the OpenAI way (uncached + cache reads + cache
 * writes) so that `inputTokens` means the same for every source; web searches and other server
 * tool uses are not carried (the catalog prices tokens only).
 */

export async function* readAnthropicUsage(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  for await (const entry of readBucketResults(source.path, options.onIssue)) {
    const record = convertResult(entry, source.path, options.onIssue, (value) => toRecord(value, source));
    if (record) yield record;
  }
}

function toRecord({ bucket, result, position }: BucketResult, source: ImportSource): UsageRecord {
  const start = timestamp(bucket['starting_at'], 'starting_at');
  const end = timestamp(bucket['ending_at'], 'ending_at');
  if (end < start) throw new RowProblem(`ending_at is before starting_at`);
  if (result['model'] === null || result['model'] === undefined) {
    throw new FieldProblem('model', 'a model id (export the report with group_by[]=model)', result['model']);
  }
  const model = text(result['model'], 'model');
  const uncached = wholeNumber(result['uncached_input_tokens'], 'uncached_input_tokens');
  const cacheRead = optionalWholeNumber(result['cache_read_input_tokens'], 'cache_read_input_tokens') ?? 0;
  const { fiveMinutes, oneHour } = cacheWrites(result);
  const outputTokens = wholeNumber(result['output_tokens'], 'output_tokens');
  const serviceTier = optionalText(result['service_tier'], 'service_tier');
  const written = fiveMinutes + oneHour;

  const record: UsageRecord = {
    startedAt: start,
    durationMs: end - start,
    requests: 0,
    requestCountUnknown: true,
    provider: 'anthropic',
    model,
    lane: laneOf(serviceTier),
    endpoint: '/v1/messages',
    inputTokens: uncached + cacheRead + written,
    outputTokens,
    origin: { format: source.format, path: source.path, position },
  };
  if (cacheRead > 0) record.cachedInputTokens = cacheRead;
  if (written > 0) record.cacheCreationInputTokens = written;
  if (oneHour > 0) record.cacheCreation1hInputTokens = oneHour;
  const workspace = optionalText(result['workspace_id'], 'workspace_id');
  if (workspace) record.project = workspace;
  const apiKey = safeKeyId(optionalText(result['api_key_id'], 'api_key_id'));
  if (apiKey) record.apiKey = apiKey;
  if (serviceTier) record.serviceTier = serviceTier;
  return record;
}

/** `cache_creation: { ephemeral_5m_input_tokens, ephemeral_1h_input_tokens }`, or the flat fields some clients write. */
function cacheWrites(result: Record<string, unknown>): { fiveMinutes: number; oneHour: number } {
  const nested = result['cache_creation'];
  if (nested !== undefined && nested !== null) {
    if (!isObject(nested)) throw new FieldProblem('cache_creation', 'an object of token counts', nested);
    return {
      fiveMinutes:
        optionalWholeNumber(
          nested['ephemeral_5m_input_tokens'],
          'cache_creation.ephemeral_5m_input_tokens',
        ) ?? 0,
      oneHour:
        optionalWholeNumber(
          nested['ephemeral_1h_input_tokens'],
          'cache_creation.ephemeral_1h_input_tokens',
        ) ?? 0,
    };
  }
  return {
    fiveMinutes:
      optionalWholeNumber(result['cache_creation_5m_input_tokens'], 'cache_creation_5m_input_tokens') ?? 0,
    oneHour:
      optionalWholeNumber(result['cache_creation_1h_input_tokens'], 'cache_creation_1h_input_tokens') ?? 0,
  };
}

/** `batch` is the Message Batches API; `standard`, `priority` and any other tier run synchronously. */
function laneOf(serviceTier: string | undefined): Lane {
  return serviceTier === 'batch' ? 'batch' : 'realtime';
}
