import type { UsageRecord } from '../../usage-record.js';

/**
 * The generic JSON Lines format (`--import jsonl:FILE`, fields in docs/importers.md): one object
 * per request, field names as the importer expects them without a column map.
 */
export function* usageJsonlLines(records: Iterable<UsageRecord>): Generator<string> {
  for (const record of records) {
    yield JSON.stringify({
      time: new Date(record.startedAt).toISOString(),
      provider: record.provider,
      model: record.model,
      lane: record.lane,
      endpoint: record.endpoint,
      workload: record.workload,
      team: record.team,
      project: record.project,
      service: record.service,
      api_key: record.apiKey,
      end_user: record.endUser,
      session: record.session,
      user_agent: record.userAgent,
      tags: record.tags,
      stream: record.stream,
      latency_ms: record.latencyMs,
      failed: record.failed,
      input_tokens: record.inputTokens,
      cached_input_tokens: record.cachedInputTokens,
      output_tokens: record.outputTokens,
      cost_nanousd: record.costNanoUsd,
      request_id: record.requestId,
    });
  }
}
