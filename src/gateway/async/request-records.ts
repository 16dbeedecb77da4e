import { type SqlExecutor, type SqlValue, valuesPlaceholders } from '../../store/sql.js';
import type { Statements } from './sqlite-writer.js';

/**
 * The async lane's request rows (`async_requests`, migration 3). A request is `queued` once
 * accepted, `in_progress` once a flush claimed it, and ends `completed` or `failed` with the
 * provider's answer in the row.
 */
export type AsyncRequestState = 'queued' | 'in_progress' | 'completed' | 'failed';

export const asyncRequestStates: readonly AsyncRequestState[] = [
  'queued',
  'in_progress',
  'completed',
  'failed',
];

export interface NewAsyncRequest {
  id: string;
  /** '' for the admin key. */
  team: string;
  keyId: string;
  clientRequestId: string;
  workload: string;
  provider: string;
  endpoint: string;
  model: string;
  metadata: string | null;
  body: string;
  webhookUrl: string | null;
  deadlineAt: number;
  createdAt: number;
}

export interface AsyncRequestRow {
  id: string;
  team: string;
  workload: string;
  provider: string;
  endpoint: string;
  model: string;
  metadata: string | null;
  webhook_url: string | null;
  deadline_at: number;
  state: AsyncRequestState;
  flush_id: string | null;
  lane: string | null;
  status_code: number | null;
  response: string | null;
  error: string | null;
  cost_nanousd: number | null;
  created_at: number;
  finished_at: number | null;
  webhook_state: 'pending' | 'delivered' | 'failed' | null;
  webhook_attempts: number;
}

const columns = 14;
/**
 * Rows per multi-row insert, largest first: a group of any size is a few statements of these
 * sizes, so the driver prepares five statements once instead of one per group size. 256 rows are
 * 3,584 bound values, well under both databases' limits.
 */
const insertSizes = [256, 64, 16, 4, 1];
const insertStatements = new Map(
  insertSizes.map((size) => [
    size,
    `INSERT INTO async_requests (id, team, key_id, client_request_id, workload, provider, endpoint, model,
       metadata, body, webhook_url, deadline_at, state, created_at)
     VALUES ${valuesPlaceholders(size, columns)}`,
  ]),
);

export async function insertAsyncRequests(
  executor: SqlExecutor,
  requests: readonly NewAsyncRequest[],
): Promise<void> {
  for (const [sql, values] of asyncRequestInserts(requests)) await executor.run(sql, values);
}

/** The statements that insert `requests` (a few multi-row inserts), for any executor or writer. */
export function asyncRequestInserts(requests: readonly NewAsyncRequest[]): Statements {
  const statements: Array<[string, SqlValue[]]> = [];
  let start = 0;
  while (start < requests.length) {
    const size = insertSizes.find((candidate) => candidate <= requests.length - start)!;
    const slice = requests.slice(start, start + size);
    start += size;
    const values: SqlValue[] = [];
    for (const request of slice) {
      values.push(
        request.id,
        request.team,
        request.keyId,
        request.clientRequestId,
        request.workload,
        request.provider,
        request.endpoint,
        request.model,
        request.metadata,
        request.body,
        request.webhookUrl,
        request.deadlineAt,
        'queued',
        request.createdAt,
      );
    }
    statements.push([insertStatements.get(size)!, values]);
  }
  return statements;
}

const rowColumns = `id, team, workload, provider, endpoint, model, metadata, webhook_url, deadline_at, state,
  flush_id, lane, status_code, response, error, cost_nanousd, created_at, finished_at, webhook_state, webhook_attempts`;

export async function getAsyncRequest(
  executor: SqlExecutor,
  id: string,
): Promise<AsyncRequestRow | undefined> {
  const row = await executor.get<AsyncRequestRow>(`SELECT ${rowColumns} FROM async_requests WHERE id = ?`, [
    id,
  ]);
  return row && normalize(row);
}

/** A page of requests, newest first; `team` undefined lists every team's (the admin). */
export async function listAsyncRequests(
  executor: SqlExecutor,
  query: { team: string | undefined; state?: AsyncRequestState; limit: number; before?: AsyncRequestRow },
): Promise<AsyncRequestRow[]> {
  const where: string[] = [];
  const values: SqlValue[] = [];
  if (query.team !== undefined) {
    where.push('team = ?');
    values.push(query.team);
  }
  if (query.state) {
    where.push('state = ?');
    values.push(query.state);
  }
  if (query.before) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    values.push(query.before.created_at, query.before.created_at, query.before.id);
  }
  const rows = await executor.all<AsyncRequestRow>(
    `SELECT ${rowColumns} FROM async_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    [...values, query.limit],
  );
  return rows.map(normalize);
}

/** Postgres hands BIGINT back as text; every number leaves here as a number. */
function normalize(row: AsyncRequestRow): AsyncRequestRow {
  row.deadline_at = Number(row.deadline_at);
  row.created_at = Number(row.created_at);
  row.finished_at = row.finished_at === null ? null : Number(row.finished_at);
  row.cost_nanousd = row.cost_nanousd === null ? null : Number(row.cost_nanousd);
  row.status_code = row.status_code === null ? null : Number(row.status_code);
  row.webhook_attempts = Number(row.webhook_attempts);
  return row;
}

/** How one request ended, as copied from the engine's results. */
export interface AsyncOutcome {
  id: string;
  state: 'completed' | 'failed';
  lane: string | null;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  costNanoUsd: number | null;
}

/**
 * Ends the flush's requests. Only rows still `in_progress` in this flush change, so copying the
 * same results twice (a restart half-way through) changes nothing the second time. A request with
 * a webhook URL gets its delivery queued in the same transaction.
 */
export async function endAsyncRequests(
  executor: SqlExecutor,
  flushId: string,
  outcomes: readonly AsyncOutcome[],
  now: number,
): Promise<number> {
  let changed = 0;
  for (const outcome of outcomes) {
    changed += await executor.run(
      `UPDATE async_requests SET state = ?, lane = ?, status_code = ?, response = ?, error = ?, cost_nanousd = ?,
         finished_at = ?, webhook_state = CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END,
         webhook_next_at = CASE WHEN webhook_url IS NULL THEN NULL ELSE CAST(? AS BIGINT) END
       WHERE id = ? AND flush_id = ? AND state = 'in_progress'`,
      [
        outcome.state,
        outcome.lane,
        outcome.statusCode,
        outcome.response,
        outcome.error,
        outcome.costNanoUsd,
        now,
        now,
        outcome.id,
        flushId,
      ],
    );
  }
  return changed;
}

/** Request counts per state, for one team or (undefined) all. */
export async function countAsyncRequests(
  executor: SqlExecutor,
  team?: string,
): Promise<Record<AsyncRequestState, number>> {
  const rows = await executor.all<{ state: AsyncRequestState; count: number }>(
    `SELECT state, COUNT(*) AS count FROM async_requests ${team === undefined ? '' : 'WHERE team = ?'} GROUP BY state`,
    team === undefined ? [] : [team],
  );
  const counts = { queued: 0, in_progress: 0, completed: 0, failed: 0 };
  for (const row of rows) counts[row.state] = Number(row.count);
  return counts;
}
