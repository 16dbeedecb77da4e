import { readdirSync } from 'node:fs';
import type { ChunkState } from '../../src/store/chunks.js';
import type { SqlExecutor } from '../../src/store/sql.js';

/** What the store says about the (only) job, read by the test process while runners come and go. */
export interface StoreSnapshot {
  job: { ingestLine: number; ingestDone: boolean; state: string } | null;
  chunks: Partial<Record<ChunkState, number>>;
  /**
   * Chunks still `submitted` whose results are being written or are written (bucket files, named
   * `<chunk>.results.…`, are in the job's folder): a harvest under way, before its commit.
   */
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
    const submitted = await executor.all<{ id: string; files_path: string | null }>(
      "SELECT c.id, j.files_path FROM chunks c JOIN jobs j ON j.id = c.job_id WHERE c.state = 'submitted'",
    );
    const folder = submitted[0]?.files_path;
    let names: string[] = [];
    try {
      if (folder) names = readdirSync(folder);
    } catch {
      // Not created yet.
    }
    for (const chunk of submitted) {
      if (names.some((name) => name.startsWith(`${chunk.id}.results.`))) partlyHarvested++;
    }
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
