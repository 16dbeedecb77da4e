import type { SqlExecutor } from '../../store/sql.js';

/**
 * Flushes (`async_flushes`): a set of queued requests of one team, workload, provider and model,
 * carried into the batch lane's engine as one job. `planned` is recorded together with the claim
 * on its requests; `running` once the engine's job is known; `done` once every result was copied
 * back; `failed` when the engine refused the job (its requests are failed with the reason).
 */
export type FlushState = 'planned' | 'running' | 'done' | 'failed';

export type FlushReason = 'size' | 'age' | 'deadline' | 'close';

export interface FlushGroup {
  team: string;
  workload: string;
  provider: string;
  model: string;
}

export interface FlushRecord extends FlushGroup {
  id: string;
  reason: FlushReason;
  requestCount: number;
  inputPath: string;
  outputPath: string;
  deadlineAt: number;
  state: FlushState;
  jobId: string | null;
}

/** What waits, per group: how many, since when, and the earliest deadline among them. */
export interface QueuedGroup extends FlushGroup {
  count: number;
  oldestAt: number;
  earliestDeadlineAt: number;
}

export async function queuedGroups(executor: SqlExecutor): Promise<QueuedGroup[]> {
  const rows = await executor.all<
    FlushGroup & { count: number; oldest_at: number; earliest_deadline_at: number }
  >(
    `SELECT team, workload, provider, model, COUNT(*) AS count, MIN(created_at) AS oldest_at,
       MIN(deadline_at) AS earliest_deadline_at
     FROM async_requests WHERE state = 'queued' GROUP BY team, workload, provider, model`,
  );
  return rows.map((row) => ({
    team: row.team,
    workload: row.workload,
    provider: row.provider,
    model: row.model,
    count: Number(row.count),
    oldestAt: Number(row.oldest_at),
    earliestDeadlineAt: Number(row.earliest_deadline_at),
  }));
}

/**
 * Records a flush and claims up to `limit` of its group's queued requests (oldest first), in one
 * transaction: afterwards every claimed request names the flush, so a restart rebuilds exactly the
 * same input. Resolves to the number claimed (0: another process took them; the flush is dropped).
 */
export async function planFlush(
  executor: SqlExecutor,
  flush: Omit<FlushRecord, 'state' | 'jobId' | 'requestCount' | 'deadlineAt'>,
  limit: number,
  now: number,
): Promise<{ claimed: number; deadlineAt: number }> {
  const claimed = await executor.run(
    `UPDATE async_requests SET state = 'in_progress', flush_id = ?
     WHERE id IN (SELECT id FROM async_requests
       WHERE state = 'queued' AND team = ? AND workload = ? AND provider = ? AND model = ?
       ORDER BY created_at, id LIMIT ?)
     AND state = 'queued'`,
    [flush.id, flush.team, flush.workload, flush.provider, flush.model, limit],
  );
  if (claimed === 0) return { claimed, deadlineAt: now };
  const deadline = await executor.get<{ deadline_at: number }>(
    'SELECT MIN(deadline_at) AS deadline_at FROM async_requests WHERE flush_id = ?',
    [flush.id],
  );
  const deadlineAt = Number(deadline?.deadline_at ?? now);
  await executor.run(
    `INSERT INTO async_flushes (id, team, workload, provider, model, reason, request_count, input_path, output_path,
       deadline_at, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?)`,
    [
      flush.id,
      flush.team,
      flush.workload,
      flush.provider,
      flush.model,
      flush.reason,
      claimed,
      flush.inputPath,
      flush.outputPath,
      deadlineAt,
      now,
    ],
  );
  return { claimed, deadlineAt };
}

/** The flush's requests in id order, a page at a time: what its input file is written from. */
export async function flushRequestsPage(
  executor: SqlExecutor,
  flushId: string,
  afterId: string,
  limit: number,
) {
  return executor.all<{ id: string; endpoint: string; body: string }>(
    'SELECT id, endpoint, body FROM async_requests WHERE flush_id = ? AND id > ? ORDER BY id LIMIT ?',
    [flushId, afterId, limit],
  );
}

/** Flushes a previous process left unfinished, oldest first. */
export async function openFlushes(executor: SqlExecutor): Promise<FlushRecord[]> {
  const rows = await executor.all<FlushRow>(
    `SELECT ${flushColumns} FROM async_flushes WHERE state IN ('planned', 'running') ORDER BY created_at, id`,
  );
  return rows.map(toFlush);
}

export async function getFlush(executor: SqlExecutor, id: string): Promise<FlushRecord | undefined> {
  const row = await executor.get<FlushRow>(`SELECT ${flushColumns} FROM async_flushes WHERE id = ?`, [id]);
  return row && toFlush(row);
}

export async function setFlushJob(executor: SqlExecutor, id: string, jobId: string): Promise<void> {
  await executor.run("UPDATE async_flushes SET state = 'running', job_id = ? WHERE id = ?", [jobId, id]);
}

export async function endFlush(
  executor: SqlExecutor,
  id: string,
  state: 'done' | 'failed',
  now: number,
  error: string | null = null,
): Promise<void> {
  await executor.run('UPDATE async_flushes SET state = ?, error = ?, finished_at = ? WHERE id = ?', [
    state,
    error,
    now,
    id,
  ]);
}

const flushColumns =
  'id, team, workload, provider, model, reason, request_count, input_path, output_path, deadline_at, state, job_id';

interface FlushRow extends FlushGroup {
  id: string;
  reason: FlushReason;
  request_count: number;
  input_path: string;
  output_path: string;
  deadline_at: number;
  state: FlushState;
  job_id: string | null;
}

function toFlush(row: FlushRow): FlushRecord {
  return {
    id: row.id,
    team: row.team,
    workload: row.workload,
    provider: row.provider,
    model: row.model,
    reason: row.reason,
    requestCount: Number(row.request_count),
    inputPath: row.input_path,
    outputPath: row.output_path,
    deadlineAt: Number(row.deadline_at),
    state: row.state,
    jobId: row.job_id,
  };
}
