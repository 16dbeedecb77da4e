import type { SqlExecutor, SqlValue } from '../../store/sql.js';

/** OpenAI's batch statuses; Spendwall's batches never reach `expired` (see docs/async-lane.md). */
export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

export const openBatchStatuses: readonly BatchStatus[] = [
  'validating',
  'in_progress',
  'finalizing',
  'cancelling',
];

export interface BatchRecord {
  id: string;
  team: string;
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  workload: string;
  status: BatchStatus;
  jobId: string | null;
  outputFileId: string | null;
  errorFileId: string | null;
  errors: Array<{ code: string; message: string; param: string | null; line: number | null }> | null;
  total: number;
  completed: number;
  failed: number;
  createdAt: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  expiresAt: number;
  /**
   * `output_expires_after.seconds`: the output and error files expire this long after they are
   * written; null: they are kept until deleted.
   */
  outputExpiresAfterSeconds: number | null;
}

export async function insertBatch(executor: SqlExecutor, batch: BatchRecord): Promise<void> {
  await executor.run(
    `INSERT INTO async_batches (id, team, input_file_id, endpoint, completion_window, metadata, workload, status,
       created_at, expires_at, output_expires_after_seconds)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      batch.id,
      batch.team,
      batch.inputFileId,
      batch.endpoint,
      batch.completionWindow,
      batch.metadata ? JSON.stringify(batch.metadata) : null,
      batch.workload,
      batch.status,
      batch.createdAt,
      batch.expiresAt,
      batch.outputExpiresAfterSeconds,
    ],
  );
}

export async function getBatch(executor: SqlExecutor, id: string): Promise<BatchRecord | undefined> {
  const row = await executor.get<BatchRow>('SELECT * FROM async_batches WHERE id = ?', [id]);
  return row && toBatch(row);
}

export async function openBatches(executor: SqlExecutor): Promise<BatchRecord[]> {
  const rows = await executor.all<BatchRow>(
    `SELECT * FROM async_batches WHERE status IN (${openBatchStatuses.map(() => '?').join(', ')}) ORDER BY created_at`,
    openBatchStatuses,
  );
  return rows.map(toBatch);
}

/** A page of batches, newest first, after the batch `after`. */
export async function listBatches(
  executor: SqlExecutor,
  query: { team: string | undefined; limit: number; after?: BatchRecord },
): Promise<BatchRecord[]> {
  const where: string[] = [];
  const values: SqlValue[] = [];
  if (query.team !== undefined) {
    where.push('team = ?');
    values.push(query.team);
  }
  if (query.after) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    values.push(query.after.createdAt, query.after.createdAt, query.after.id);
  }
  const rows = await executor.all<BatchRow>(
    `SELECT * FROM async_batches ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    [...values, query.limit],
  );
  return rows.map(toBatch);
}

/** Columns a batch's run may change, by their record names. */
export type BatchChange = Partial<
  Pick<
    BatchRecord,
    | 'status'
    | 'jobId'
    | 'outputFileId'
    | 'errorFileId'
    | 'errors'
    | 'total'
    | 'completed'
    | 'failed'
    | 'inProgressAt'
    | 'finalizingAt'
    | 'completedAt'
    | 'failedAt'
    | 'cancellingAt'
    | 'cancelledAt'
  >
>;

const columnOf: Record<keyof BatchChange, string> = {
  status: 'status',
  jobId: 'job_id',
  outputFileId: 'output_file_id',
  errorFileId: 'error_file_id',
  errors: 'errors',
  total: 'total',
  completed: 'completed',
  failed: 'failed',
  inProgressAt: 'in_progress_at',
  finalizingAt: 'finalizing_at',
  completedAt: 'completed_at',
  failedAt: 'failed_at',
  cancellingAt: 'cancelling_at',
  cancelledAt: 'cancelled_at',
};

/**
 * Changes a batch. With `onlyFrom`, only while its status is one of those: a finished batch is
 * never moved back, and a cancel that raced the end of the run loses cleanly.
 */
export async function updateBatch(
  executor: SqlExecutor,
  id: string,
  change: BatchChange,
  onlyFrom?: readonly BatchStatus[],
): Promise<boolean> {
  const sets: string[] = [];
  const values: SqlValue[] = [];
  for (const [key, value] of Object.entries(change) as Array<[keyof BatchChange, unknown]>) {
    if (value === undefined) continue;
    sets.push(`${columnOf[key]} = ?`);
    values.push(key === 'errors' && value !== null ? JSON.stringify(value) : (value as SqlValue));
  }
  if (sets.length === 0) return false;
  const guard = onlyFrom ? ` AND status IN (${onlyFrom.map(() => '?').join(', ')})` : '';
  const changed = await executor.run(`UPDATE async_batches SET ${sets.join(', ')} WHERE id = ?${guard}`, [
    ...values,
    id,
    ...(onlyFrom ?? []),
  ]);
  return changed === 1;
}

interface BatchRow {
  id: string;
  team: string;
  input_file_id: string;
  endpoint: string;
  completion_window: string;
  metadata: string | null;
  workload: string;
  status: BatchStatus;
  job_id: string | null;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: string | null;
  total: number;
  completed: number;
  failed: number;
  created_at: number;
  in_progress_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  expires_at: number;
  output_expires_after_seconds: number | null;
}

const optionalNumber = (value: number | null) => (value === null ? null : Number(value));

function toBatch(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    team: row.team,
    inputFileId: row.input_file_id,
    endpoint: row.endpoint,
    completionWindow: row.completion_window,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : null,
    workload: row.workload,
    status: row.status,
    jobId: row.job_id,
    outputFileId: row.output_file_id,
    errorFileId: row.error_file_id,
    errors: row.errors ? (JSON.parse(row.errors) as BatchRecord['errors']) : null,
    total: Number(row.total),
    completed: Number(row.completed),
    failed: Number(row.failed),
    createdAt: Number(row.created_at),
    inProgressAt: optionalNumber(row.in_progress_at),
    finalizingAt: optionalNumber(row.finalizing_at),
    completedAt: optionalNumber(row.completed_at),
    failedAt: optionalNumber(row.failed_at),
    cancellingAt: optionalNumber(row.cancelling_at),
    cancelledAt: optionalNumber(row.cancelled_at),
    expiresAt: Number(row.expires_at),
    outputExpiresAfterSeconds: optionalNumber(row.output_expires_after_seconds),
  };
}

const seconds = (milliseconds: number | null) =>
  milliseconds === null ? null : Math.floor(milliseconds / 1000);

/** The Batch object as OpenAI's API returns it, every field present (null when not known). */
export function batchObject(batch: BatchRecord) {
  return {
    id: batch.id,
    object: 'batch' as const,
    endpoint: batch.endpoint,
    errors: batch.errors ? { object: 'list', data: batch.errors } : null,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: seconds(batch.createdAt),
    in_progress_at: seconds(batch.inProgressAt),
    expires_at: seconds(batch.expiresAt),
    finalizing_at: seconds(batch.finalizingAt),
    completed_at: seconds(batch.completedAt),
    failed_at: seconds(batch.failedAt),
    expired_at: null,
    cancelling_at: seconds(batch.cancellingAt),
    cancelled_at: seconds(batch.cancelledAt),
    request_counts: { total: batch.total, completed: batch.completed, failed: batch.failed },
    metadata: batch.metadata,
  };
}
