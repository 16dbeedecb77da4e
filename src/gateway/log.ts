import type { Outcome } from './runtime.js';

/** Writes one line; the server calls it once per request. */
export type LogSink = (line: string) => void;

export const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * One structured JSON line per request: what a person debugging needs (request id, route,
 * status, lane, workload, team, cost, time) and nothing secret (no keys, no bodies).
 */
export function requestLine(
  method: string | undefined,
  path: string,
  requestId: string,
  team: string | undefined,
  durationMs: number,
  outcome: Outcome,
): string {
  return JSON.stringify({
    time: new Date().toISOString(),
    level: outcome.status >= 500 ? 'error' : outcome.status >= 400 ? 'warn' : 'info',
    msg: 'request',
    request_id: requestId,
    method,
    path,
    status: outcome.status,
    duration_ms: Math.round(durationMs * 1000) / 1000,
    team,
    workload: outcome.workload,
    urgency: outcome.urgency,
    lane: outcome.lane,
    provider: outcome.provider,
    model: outcome.model,
    cost_nanousd: outcome.costNanoUsd,
    retries: outcome.retries || undefined,
    flex_fallback: outcome.fellBack || undefined,
    missed_savings: outcome.missedSavings || undefined,
    streamed: outcome.streamed || undefined,
    async_id: outcome.asyncId,
    error: outcome.error,
  });
}

/** Operational events (start, stop, warnings), in the same shape. */
export function eventLine(
  level: 'info' | 'warn' | 'error',
  msg: string,
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
}
