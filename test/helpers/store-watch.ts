import type { ChunkState } from '../../src/store/chunks.js';
import type { SqlExecutor } from '../../src/store/sql.js';

/** What the store says about the (only) job, read by the test process while runners come and go. */
export interface StoreSnapshot {
  job: { ingestLine: number; ingestDone: boolean; state: string } | null;
  chunks: Partial<Record<ChunkState, number>>;
  /** Chunks still `submitted` although some of their results are applied: a harvest under way. */
  partlyHarvested: number;
}

/**
 * Reads the job and its chunk counts; `harvest` adds the (dearer) look for a harvest under way.
 * Kill triggers poll this every few milliseconds, so each query is small.
 */
export async function snapshotStore(
  executor: SqlExecutor,
  options: { harvest: boolean } = { harvest: true },
): Promise<StoreSnapshot> {
  const job = await executor.get<{ ingest_line: number; ingest_done: number; state: string }>(
    'SELECT ingest_line, ingest_done, state FROM jobs',
  );
  const chunks: Partial<Record<ChunkState, number>> = {};
  for (const row of await executor.all<{ state: ChunkState; count: number }>(
    'SELECT state, COUNT(*) AS count FROM chunks GROUP BY state',
  )) {
    chunks[row.state] = Number(row.count);
  }
  let partlyHarvested = 0;
  if (options.harvest && (chunks.submitted ?? 0) > 0) {
    // A result that ended a request leaves it in a final state, still naming its chunk
    // (requests_by_chunk index); results are applied in line order, so EXISTS stops early.
    const row = await executor.get<{ count: number }>(
      `SELECT COUNT(*) AS count FROM chunks c WHERE c.state = 'submitted'
         AND EXISTS (SELECT 1 FROM requests r WHERE r.chunk_id = c.id AND r.state NOT IN ('queued', 'pending'))`,
    );
    partlyHarvested = Number(row?.count ?? 0);
  }
  return {
    job: job
      ? { ingestLine: Number(job.ingest_line), ingestDone: Number(job.ingest_done) === 1, state: job.state }
      : null,
    chunks,
    partlyHarvested,
  };
}

/** The chunks not yet harvested, with their last error: what a stuck job is waiting for. */
export async function describeOpenChunks(executor: SqlExecutor): Promise<string> {
  const rows = await executor.all<Record<string, unknown>>(
    `SELECT id, provider, model, state, request_count, input_file_id, provider_batch_id, provider_status,
       submit_failures, polls, next_poll_at, last_error FROM chunks WHERE state <> 'harvested' ORDER BY sequence`,
  );
  const now = Date.now();
  return rows
    .map((row) => JSON.stringify({ ...row, next_poll_in_ms: Number(row['next_poll_at'] ?? now) - now }))
    .join('\n');
}
