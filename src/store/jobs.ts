import type { SqlExecutor } from './sql.js';

/** A job's life: reading its input, running, and how it ended. */
export type JobState = 'ingesting' | 'running' | 'cancelling' | 'completed' | 'cancelled' | 'failed';

export const finishedJobStates: readonly JobState[] = ['completed', 'cancelled', 'failed'];

/** What the user asked for, kept with the job so a resumed run does the same thing. */
export interface JobSettings {
  provider: 'openai' | 'anthropic' | null;
  endpoint: string | null;
  maxAttempts: number;
  onDeadline: 'realtime' | 'fail';
  strict: boolean;
  maxLineBytes: number;
}

export interface JobRecord {
  id: string;
  fingerprint: string;
  workload: string;
  inputPath: string;
  outputPath: string | null;
  rejectsPath: string | null;
  state: JobState;
  settings: JobSettings;
  deadlineAt: number | null;
  ingestOffset: number;
  ingestLine: number;
  ingestDone: boolean;
  accepted: number;
  rejected: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** The folder of the job's files (bodies, results); null for a job created before they existed. */
  filesPath: string | null;
  /** Bytes of the job's bodies file that committed requests refer to. */
  bodiesBytes: number;
}

interface JobRow {
  id: string;
  fingerprint: string;
  workload: string;
  input_path: string;
  output_path: string | null;
  rejects_path: string | null;
  state: JobState;
  settings: string;
  deadline_at: number | null;
  ingest_offset: number;
  ingest_line: number;
  ingest_done: number;
  accepted: number;
  rejected: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  files_path: string | null;
  bodies_bytes: number;
}

function fromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    workload: row.workload,
    inputPath: row.input_path,
    outputPath: row.output_path,
    rejectsPath: row.rejects_path,
    state: row.state,
    settings: JSON.parse(row.settings) as JobSettings,
    deadlineAt: row.deadline_at,
    ingestOffset: row.ingest_offset,
    ingestLine: row.ingest_line,
    ingestDone: row.ingest_done === 1,
    accepted: row.accepted,
    rejected: row.rejected,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    filesPath: row.files_path,
    bodiesBytes: Number(row.bodies_bytes),
  };
}

export interface NewJob {
  id: string;
  fingerprint: string;
  workload: string;
  inputPath: string;
  outputPath: string | null;
  rejectsPath: string | null;
  settings: JobSettings;
  deadlineAt: number | null;
  /** The folder for the job's files: `<home>/jobs/<id>` (see batch/job-files.ts). */
  filesPath: string;
  now: number;
}

/**
 * Creates the job for a fingerprint, or returns the one that exists: two runs of the same
 * command on the same input are one job.
 */
export async function findOrCreateJob(
  executor: SqlExecutor,
  job: NewJob,
): Promise<{ job: JobRecord; created: boolean }> {
  const inserted = await executor.run(
    `INSERT INTO jobs (id, fingerprint, workload, input_path, output_path, rejects_path, state, settings, deadline_at,
       files_path, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'ingesting', ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`,
    [
      job.id,
      job.fingerprint,
      job.workload,
      job.inputPath,
      job.outputPath,
      job.rejectsPath,
      JSON.stringify(job.settings),
      job.deadlineAt,
      job.filesPath,
      job.now,
      job.now,
    ],
  );
  const row = await executor.get<JobRow>('SELECT * FROM jobs WHERE fingerprint = ?', [job.fingerprint]);
  return { job: fromRow(row!), created: inserted === 1 };
}

export async function getJob(executor: SqlExecutor, id: string): Promise<JobRecord | undefined> {
  const row = await executor.get<JobRow>('SELECT * FROM jobs WHERE id = ?', [id]);
  return row ? fromRow(row) : undefined;
}

/** Jobs whose id starts with `prefix`, so users can type the first characters of an id. */
export async function findJobsByPrefix(executor: SqlExecutor, prefix: string): Promise<JobRecord[]> {
  // substr rather than LIKE: ids contain `_`, a LIKE wildcard.
  const rows = await executor.all<JobRow>(
    'SELECT * FROM jobs WHERE substr(id, 1, ?) = ? ORDER BY created_at DESC LIMIT 10',
    [prefix.length, prefix],
  );
  return rows.map(fromRow);
}

export async function listJobs(executor: SqlExecutor, limit = 50): Promise<JobRecord[]> {
  const rows = await executor.all<JobRow>('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?', [limit]);
  return rows.map(fromRow);
}

/**
 * Takes the job's lease for `owner` when it is free, expired, or already ours. One runner at a
 * time per job; a runner that died stops renewing and its lease lapses.
 */
export async function acquireLease(
  executor: SqlExecutor,
  jobId: string,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const changed = await executor.run(
    `UPDATE jobs SET lease_owner = ?, lease_expires_at = ?, updated_at = ?
     WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
    [owner, now + ttlMs, now, jobId, owner, now],
  );
  return changed === 1;
}

/** Frees the lease held by `owner` (a dead owner's lease may also be freed by whoever proved it dead). */
export async function releaseLease(executor: SqlExecutor, jobId: string, owner: string): Promise<void> {
  await executor.run(
    'UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?',
    [jobId, owner],
  );
}

export async function setJobState(
  executor: SqlExecutor,
  jobId: string,
  state: JobState,
  now: number,
  error: string | null = null,
): Promise<void> {
  const finished = finishedJobStates.includes(state) ? now : null;
  await executor.run('UPDATE jobs SET state = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?', [
    state,
    error,
    now,
    finished,
    jobId,
  ]);
}

/** Asks a job to stop; its runner (or `spendwall cancel` itself) cancels what is in flight. */
export async function requestCancel(executor: SqlExecutor, jobId: string, now: number): Promise<boolean> {
  const changed = await executor.run(
    "UPDATE jobs SET state = 'cancelling', updated_at = ? WHERE id = ? AND state IN ('ingesting', 'running')",
    [now, jobId],
  );
  return changed === 1;
}

export async function recordIngestProgress(
  executor: SqlExecutor,
  jobId: string,
  progress: {
    offset: number;
    line: number;
    accepted: number;
    rejected: number;
    /** The bodies file's length after this commit's bodies (synced before it). */
    bodiesBytes: number;
    done: boolean;
    now: number;
  },
): Promise<void> {
  await executor.run(
    `UPDATE jobs SET ingest_offset = ?, ingest_line = ?, accepted = accepted + ?, rejected = rejected + ?,
       bodies_bytes = ?, ingest_done = ?, updated_at = ? WHERE id = ?`,
    [
      progress.offset,
      progress.line,
      progress.accepted,
      progress.rejected,
      progress.bodiesBytes,
      progress.done ? 1 : 0,
      progress.now,
      jobId,
    ],
  );
}
