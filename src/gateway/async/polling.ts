import type { ServerResponse } from 'node:http';
import type { SqlExecutor } from '../../store/sql.js';
import type { RequestContext } from '../types.js';
import { canSee, listScope } from './access.js';
import { notFound, sendError, sendJson, sendText } from './http-replies.js';
import {
  type AsyncRequestRow,
  type AsyncRequestState,
  asyncRequestStates,
  getAsyncRequest,
  listAsyncRequests,
} from './request-records.js';

/** Header names of the async lane's answers, built from one place. */
export const laneHeader = 'x-spendwall-lane';
export const costHeader = 'x-spendwall-cost-usd';

/** The small status document of a request that is not finished (and of every listed request). */
export function statusObject(row: AsyncRequestRow) {
  return {
    id: row.id,
    object: 'spendwall.request' as const,
    status: row.state,
    lane: 'batch' as const,
    workload: row.workload,
    provider: row.provider,
    endpoint: row.endpoint,
    model: row.model,
    created_at: Math.floor(row.created_at / 1000),
    deadline_at: Math.floor(row.deadline_at / 1000),
    finished_at: row.finished_at === null ? null : Math.floor(row.finished_at / 1000),
  };
}

/**
 * `GET /v1/spendwall/requests/{id}`: 202 with `Retry-After` and the status while the request
 * waits; once done, what the synchronous call would have answered (status and body as the
 * provider gave them) with the lane and the cost in headers; failed, an OpenAI-shaped error.
 */
export async function serveRequest(
  executor: SqlExecutor,
  response: ServerResponse,
  context: RequestContext,
  id: string,
  retryAfterSeconds: number,
): Promise<void> {
  const row = await getAsyncRequest(executor, id);
  if (!row || !canSee(context.caller, row.team)) return notFound(response, 'request', id);
  const lane = { [laneHeader]: row.lane ?? 'batch' };
  if (row.state === 'queued' || row.state === 'in_progress') {
    return sendJson(response, 202, statusObject(row), {
      'retry-after': String(retryAfterSeconds),
      [laneHeader]: 'batch',
    });
  }
  const cost: Record<string, string> =
    row.cost_nanousd === null ? {} : { [costHeader]: formatCost(row.cost_nanousd) };
  if (row.state === 'completed' && row.response !== null) {
    return sendText(response, row.status_code ?? 200, row.response, { ...lane, ...cost });
  }
  // A provider's own error answer (a 4xx for a bad request) is passed on as it is.
  if (row.response !== null && row.status_code !== null && row.status_code >= 400) {
    return sendText(response, row.status_code, row.response, { ...lane, ...cost });
  }
  const error = parseError(row.error);
  response.setHeader(laneHeader, lane[laneHeader]);
  sendError(response, statusOfFailure(error.code), {
    message: error.message,
    type: error.code === 'deadline_exceeded' || error.code === 'expired' ? 'timeout_error' : 'api_error',
    code: error.code,
  });
}

/** `GET /v1/spendwall/requests?status=…&limit=…&after=…`: the caller's requests, newest first. */
export async function serveRequestList(
  executor: SqlExecutor,
  response: ServerResponse,
  context: RequestContext,
  query: URLSearchParams,
): Promise<void> {
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !asyncRequestStates.includes(status as AsyncRequestState)) {
    return sendError(response, 400, {
      message: `status: expected one of ${asyncRequestStates.join(', ')}, got '${status}'`,
      type: 'invalid_request_error',
      param: 'status',
      code: 'invalid_value',
    });
  }
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return sendError(response, 400, {
      message: 'limit: expected an integer from 1 to 1000',
      type: 'invalid_request_error',
      param: 'limit',
      code: 'invalid_value',
    });
  }
  const team = listScope(context.caller);
  const afterId = query.get('after');
  let before: AsyncRequestRow | undefined;
  if (afterId) {
    before = await getAsyncRequest(executor, afterId);
    if (!before || !canSee(context.caller, before.team))
      return notFound(response, 'request', afterId, 'after');
  }
  const rows = await listAsyncRequests(executor, {
    team,
    ...(status ? { state: status as AsyncRequestState } : {}),
    limit: limit + 1,
    ...(before ? { before } : {}),
  });
  const data = rows.slice(0, limit).map(statusObject);
  sendJson(response, 200, {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: rows.length > limit,
  });
}

function parseError(text: string | null): { code: string; message: string } {
  try {
    const value = JSON.parse(text ?? '') as { code?: unknown; message?: unknown };
    return {
      code: typeof value.code === 'string' ? value.code : 'request_failed',
      message: typeof value.message === 'string' ? value.message : 'the request failed',
    };
  } catch {
    return { code: 'request_failed', message: 'the request failed' };
  }
}

function statusOfFailure(code: string): number {
  if (code === 'deadline_exceeded' || code === 'expired') return 504;
  if (code === 'job_cancelled' || code === 'cancelled') return 409;
  if (code.startsWith('invalid') || code.startsWith('missing') || code === 'duplicate_custom_id') return 400;
  return 502;
}

/** Nano-USD as a decimal USD string without float noise: 9600 → "0.0000096". */
export function formatCost(nanoUsd: number): string {
  const negative = nanoUsd < 0;
  const digits = String(Math.abs(Math.round(nanoUsd))).padStart(10, '0');
  const text = `${digits.slice(0, -9)}.${digits.slice(-9)}`.replace(/\.?0+$/, '');
  return (negative ? '-' : '') + text;
}
