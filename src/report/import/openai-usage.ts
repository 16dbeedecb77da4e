import type { Lane } from '../../prices/types.js';
import type { UsageRecord } from '../usage-record.js';
import {
  FieldProblem,
  optionalBoolean,
  optionalText,
  optionalWholeNumber,
  RowProblem,
  text,
  wholeNumber,
} from './field-checks.js';
import { safeKeyId } from './row-tools.js';
import type { ImportOptions, ImportSource } from './types.js';
import { type BucketResult, convertResult, readBucketResults } from './usage-pages.js';

/**
 * OpenAI's organization usage API (`GET /v1/organization/usage/completions`, `…/embeddings`,
 * `…/moderations`): pages of time buckets, each with one result per group. A result is an
 * aggregate: `num_model_requests` requests over the bucket's width. Group the export by `model`
 * (a result without a model cannot be priced, so it is reported); group by `batch` and
 * `service_tier` too, or batch and flex traffic are counted as realtime.
 */

const endpoints: Record<string, string | undefined> = {
  // Completions usage covers chat completions and responses alike: the endpoint is not known.
  'organization.usage.completions.result': undefined,
  'organization.usage.embeddings.result': '/v1/embeddings',
  'organization.usage.moderations.result': '/v1/moderations',
};

export async function* readOpenaiUsage(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  for await (const entry of readBucketResults(source.path, options.onIssue)) {
    const record = convertResult(entry, source.path, options.onIssue, (value) => toRecord(value, source));
    if (record) yield record;
  }
}

function toRecord({ bucket, result, position }: BucketResult, source: ImportSource): UsageRecord {
  const kind = result['object'];
  if (typeof kind !== 'string' || !(kind in endpoints)) {
    throw new FieldProblem('object', `one of ${Object.keys(endpoints).join(', ')}`, kind);
  }
  const start = wholeNumber(bucket['start_time'], 'start_time');
  const end = wholeNumber(bucket['end_time'], 'end_time');
  if (end < start) throw new RowProblem(`end_time (${end}) is before start_time (${start})`);
  if (result['model'] === null || result['model'] === undefined) {
    throw new FieldProblem('model', 'a model id (export the usage with group_by=model)', result['model']);
  }
  const model = text(result['model'], 'model');
  const isCompletions = kind === 'organization.usage.completions.result';
  const inputTokens = wholeNumber(result['input_tokens'], 'input_tokens');
  const outputTokens = isCompletions ? wholeNumber(result['output_tokens'], 'output_tokens') : 0;
  const cached = optionalWholeNumber(result['input_cached_tokens'], 'input_cached_tokens');
  if (cached !== undefined && cached > inputTokens) {
    throw new RowProblem(
      `input_cached_tokens (${cached}) are part of input_tokens (${inputTokens}) and cannot exceed them`,
    );
  }
  const batch = optionalBoolean(result['batch'], 'batch');
  const serviceTier = optionalText(result['service_tier'], 'service_tier');

  const record: UsageRecord = {
    startedAt: start * 1000,
    durationMs: (end - start) * 1000,
    requests: wholeNumber(result['num_model_requests'], 'num_model_requests'),
    provider: 'openai',
    model,
    lane: laneOf(batch, serviceTier),
    inputTokens,
    outputTokens,
    origin: { format: source.format, path: source.path, position },
  };
  const endpoint = endpoints[kind];
  if (endpoint) record.endpoint = endpoint;
  if (cached) record.cachedInputTokens = cached;
  const project = optionalText(result['project_id'], 'project_id');
  if (project) record.project = project;
  const apiKey = safeKeyId(optionalText(result['api_key_id'], 'api_key_id'));
  if (apiKey) record.apiKey = apiKey;
  if (serviceTier) record.serviceTier = serviceTier;
  return record;
}

function laneOf(batch: boolean | undefined, serviceTier: string | undefined): Lane {
  if (batch === true) return 'batch';
  if (serviceTier === 'flex') return 'flex';
  return 'realtime';
}
