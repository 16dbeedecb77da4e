import type { UsageRecord } from '../../usage-record.js';

/** The columns of a `LiteLLM_SpendLogs` CSV export, as in src/report/import/__fixtures__. */
export const litellmColumns = [
  'request_id',
  'call_type',
  'api_key',
  'spend',
  'total_tokens',
  'prompt_tokens',
  'completion_tokens',
  'startTime',
  'endTime',
  'completionStartTime',
  'model',
  'model_group',
  'custom_llm_provider',
  'api_base',
  'user',
  'metadata',
  'cache_hit',
  'cache_key',
  'request_tags',
  'team_id',
  'end_user',
  'requester_ip_address',
  'session_id',
  'status',
] as const;

/**
 * Usage as LiteLLM's spend log CSV. What LiteLLM has no column for goes where LiteLLM puts it:
 * the workload label and team alias in `metadata`, the user agent in `metadata.headers`, the flex
 * tier as `metadata.service_tier`; a project or service becomes a `project:NAME` or `service:NAME` tag. Streaming is told the
 * LiteLLM way, by `completionStartTime` before `endTime`. Batch-lane rows get the `acreate_batch`
 * call type, and rows without a recorded latency leave the times after `startTime` empty.
 */
export function* litellmCsvLines(records: Iterable<UsageRecord>): Generator<string> {
  yield litellmColumns.join(',');
  for (const record of records) {
    const metadata: Record<string, unknown> = {};
    if (record.workload) metadata['spendwall_workload'] = record.workload;
    if (record.team) metadata['user_api_key_team_alias'] = record.team;
    if (record.userAgent) metadata['headers'] = { 'user-agent': record.userAgent };
    if (record.cachedInputTokens) {
      metadata['usage_object'] = { prompt_tokens_details: { cached_tokens: record.cachedInputTokens } };
    }
    if (record.lane === 'flex') metadata['service_tier'] = 'flex';
    const tags = [
      ...(record.tags ?? []),
      ...(record.project ? [`project:${record.project}`] : []),
      ...(record.service ? [`service:${record.service}`] : []),
    ];
    const ended = record.latencyMs === undefined ? undefined : record.startedAt + record.latencyMs;
    const firstToken =
      ended === undefined
        ? undefined
        : record.stream
          ? record.startedAt + Math.min(600, record.latencyMs! / 4)
          : ended;
    const fields = [
      record.requestId ?? '',
      record.lane === 'batch'
        ? 'acreate_batch'
        : record.endpoint === '/v1/embeddings'
          ? 'aembedding'
          : 'acompletion',
      record.apiKey ?? '',
      record.costNanoUsd === undefined ? '' : usdText(record.costNanoUsd),
      String(record.inputTokens + record.outputTokens),
      String(record.inputTokens),
      String(record.outputTokens),
      litellmTime(record.startedAt),
      ended === undefined ? '' : litellmTime(ended),
      firstToken === undefined ? '' : litellmTime(firstToken),
      record.model,
      record.model,
      record.provider,
      record.provider === 'anthropic' ? 'https://api.anthropic.com' : 'https://api.openai.com/v1',
      '',
      JSON.stringify(metadata),
      'False',
      '',
      JSON.stringify(tags),
      record.team ?? '',
      record.endUser ?? '',
      '',
      record.session ?? '',
      record.failed ? 'failure' : 'success',
    ];
    yield fields.map(csvField).join(',');
  }
}

/** `2026-11-02 09:14:03.120`, LiteLLM's timestamp text (UTC). */
function litellmTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

function usdText(nanoUsd: number): string {
  const whole = Math.floor(nanoUsd / 1e9);
  const fraction = String(nanoUsd % 1e9)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
