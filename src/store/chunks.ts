import type { SqlExecutor } from './sql.js';

/**
 * A chunk is Spendwall's record of one provider batch: the requests packed together, and every
 * step of submitting it. `filling` (ingest is still adding the input's requests to it) →
 * `planned` → `submitting` (intent written, nothing known at the provider yet) → `submitted` (the
 * provider's id recorded) → `harvested` (results applied). A chunk packed after ingest starts
 * `planned`.
 */
export type ChunkState = 'filling' | 'planned' | 'submitting' | 'submitted' | 'harvested';

export interface ChunkRecord {
  id: string;
  jobId: string;
  sequence: number;
  provider: string;
  endpoint: string;
  model: string;
  requestCount: number;
  bytes: number;
  estimatedTokens: number;
  state: ChunkState;
  inputFileId: string | null;
  providerBatchId: string | null;
  providerStatus: string | null;
  submitStartedAt: number | null;
  submittedAt: number | null;
  endedAt: number | null;
  nextPollAt: number | null;
  polls: number;
  submitFailures: number;
  cancelRequested: boolean;
  lastError: string | null;
}

interface ChunkRow {
  id: string;
  job_id: string;
  sequence: number;
  provider: string;
  endpoint: string;
  model: string;
  request_count: number;
  bytes: number;
  estimated_tokens: number;
  state: ChunkState;
  input_file_id: string | null;
  provider_batch_id: string | null;
  provider_status: string | null;
  submit_started_at: number | null;
  submitted_at: number | null;
  ended_at: number | null;
  next_poll_at: number | null;
  polls: number;
  submit_failures: number;
  cancel_requested: number;
  last_error: string | null;
}

function fromRow(row: ChunkRow): ChunkRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    sequence: row.sequence,
    provider: row.provider,
    endpoint: row.endpoint,
    model: row.model,
    requestCount: row.request_count,
    bytes: row.bytes,
    estimatedTokens: row.estimated_tokens,
    state: row.state,
    inputFileId: row.input_file_id,
    providerBatchId: row.provider_batch_id,
    providerStatus: row.provider_status,
    submitStartedAt: row.submit_started_at,
    submittedAt: row.submitted_at,
    endedAt: row.ended_at,
    nextPollAt: row.next_poll_at,
    polls: row.polls,
    submitFailures: row.submit_failures,
    cancelRequested: row.cancel_requested === 1,
    lastError: row.last_error,
  };
}

export interface NewChunk {
  id: string;
  jobId: string;
  provider: string;
  endpoint: string;
  model: string;
  requestCount: number;
  bytes: number;
  estimatedTokens: number;
  /** `planned` unless given (`filling` while ingest adds to it). */
  state?: 'filling' | 'planned';
  now: number;
}

/** Records a planned chunk with the next sequence number of its job. */
export async function insertChunk(executor: SqlExecutor, chunk: NewChunk): Promise<void> {
  const next = await executor.get<{ sequence: number | null }>(
    'SELECT MAX(sequence) AS sequence FROM chunks WHERE job_id = ?',
    [chunk.jobId],
  );
  await executor.run(
    `INSERT INTO chunks (id, job_id, sequence, provider, endpoint, model, request_count, bytes, estimated_tokens, state,
       created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      chunk.id,
      chunk.jobId,
      Number(next?.sequence ?? 0) + 1,
      chunk.provider,
      chunk.endpoint,
      chunk.model,
      chunk.requestCount,
      chunk.bytes,
      chunk.estimatedTokens,
      chunk.state ?? 'planned',
      chunk.now,
      chunk.now,
    ],
  );
}

export async function getChunk(executor: SqlExecutor, id: string): Promise<ChunkRecord | undefined> {
  const row = await executor.get<ChunkRow>('SELECT * FROM chunks WHERE id = ?', [id]);
  return row ? fromRow(row) : undefined;
}

/** A job's chunks in the given states, oldest first. */
export async function chunksInStates(
  executor: SqlExecutor,
  jobId: string,
  states: readonly ChunkState[],
): Promise<ChunkRecord[]> {
  const rows = await executor.all<ChunkRow>(
    `SELECT * FROM chunks WHERE job_id = ? AND state IN (${states.map(() => '?').join(', ')}) ORDER BY sequence`,
    [jobId, ...states],
  );
  return rows.map(fromRow);
}

/** Every provider batch id Spendwall knows, so crash recovery never adopts one that is accounted for. */
export async function knownProviderBatchIds(executor: SqlExecutor, provider: string): Promise<Set<string>> {
  const rows = await executor.all<{ provider_batch_id: string }>(
    'SELECT provider_batch_id FROM chunks WHERE provider = ? AND provider_batch_id IS NOT NULL',
    [provider],
  );
  const attempts = await executor.all<{ provider_batch_id: string }>(
    'SELECT DISTINCT provider_batch_id FROM attempts WHERE provider_batch_id IS NOT NULL',
  );
  return new Set([...rows, ...attempts].map((row) => row.provider_batch_id));
}

/** Estimated input tokens of a provider's model over chunks at the provider and not yet ended. */
export async function enqueuedTokens(
  executor: SqlExecutor,
  provider: string,
  model: string,
): Promise<number> {
  const row = await executor.get<{ tokens: number | null }>(
    `SELECT SUM(estimated_tokens) AS tokens FROM chunks
     WHERE provider = ? AND model = ? AND state IN ('submitting', 'submitted') AND ended_at IS NULL`,
    [provider, model],
  );
  return Number(row?.tokens ?? 0);
}

/** What a chunk is made of, fixed when it is planned. */
type UnchangingChunkField =
  | 'id'
  | 'jobId'
  | 'sequence'
  | 'provider'
  | 'endpoint'
  | 'model'
  | 'requestCount'
  | 'bytes'
  | 'estimatedTokens';

/** Updates the named fields of a chunk. */
export async function updateChunk(
  executor: SqlExecutor,
  id: string,
  fields: Partial<Omit<ChunkRecord, UnchangingChunkField>>,
  now: number,
): Promise<void> {
  const columns: Record<keyof Omit<ChunkRecord, UnchangingChunkField>, string> = {
    state: 'state',
    inputFileId: 'input_file_id',
    providerBatchId: 'provider_batch_id',
    providerStatus: 'provider_status',
    submitStartedAt: 'submit_started_at',
    submittedAt: 'submitted_at',
    endedAt: 'ended_at',
    nextPollAt: 'next_poll_at',
    polls: 'polls',
    submitFailures: 'submit_failures',
    cancelRequested: 'cancel_requested',
    lastError: 'last_error',
  };
  const assignments: string[] = [];
  const values: Array<string | number | null> = [];
  for (const [key, value] of Object.entries(fields)) {
    const column = columns[key as keyof typeof columns];
    if (!column || value === undefined) continue;
    assignments.push(`${column} = ?`);
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  if (assignments.length === 0) return;
  await executor.run(`UPDATE chunks SET ${assignments.join(', ')}, updated_at = ? WHERE id = ?`, [
    ...values,
    now,
    id,
  ]);
}

/** Chunk counts per state and provider status, for progress. */
export async function chunkStateCounts(executor: SqlExecutor, jobId: string) {
  return executor.all<{ state: ChunkState; provider_status: string | null; count: number }>(
    'SELECT state, provider_status, COUNT(*) AS count FROM chunks WHERE job_id = ? GROUP BY state, provider_status',
    [jobId],
  );
}
