import { type SqlExecutor, type SqlValue, valuesPlaceholders } from './sql.js';

/**
 * A request's state: `pending` waits to be packed, `queued` is in a chunk (a provider batch),
 * the rest are final. Every accepted input line ends in exactly one final state.
 */
export type RequestState =
  | 'pending'
  | 'queued'
  | 'succeeded'
  | 'failed_retryable'
  | 'failed_invalid'
  | 'expired'
  | 'cancelled';

export const finalRequestStates: readonly RequestState[] = [
  'succeeded',
  'failed_retryable',
  'failed_invalid',
  'expired',
  'cancelled',
];

export interface NewRequest {
  line: number;
  customId: string;
  provider: string;
  endpoint: string;
  model: string;
  body: string;
  estimatedTokens: number;
}

/** Lines per multi-row insert: well under both databases' limits on bound parameters. */
const insertRows = 500;

/**
 * Inserts accepted lines. A custom_id the job already has is not inserted; the result lists those
 * lines with the earlier line that holds the custom_id, so they can be rejected by name.
 */
export async function insertRequests(
  executor: SqlExecutor,
  jobId: string,
  requests: readonly NewRequest[],
): Promise<Array<{ line: number; customId: string; earlierLine: number }>> {
  const duplicates: Array<{ line: number; customId: string; earlierLine: number }> = [];
  for (let start = 0; start < requests.length; start += insertRows) {
    const slice = requests.slice(start, start + insertRows);
    // Repeats inside one statement are settled here, so the database sees each custom_id once.
    const firstLineOf = new Map<string, number>();
    const unique: NewRequest[] = [];
    for (const request of slice) {
      const earlier = firstLineOf.get(request.customId);
      if (earlier === undefined) {
        firstLineOf.set(request.customId, request.line);
        unique.push(request);
      } else {
        duplicates.push({ line: request.line, customId: request.customId, earlierLine: earlier });
      }
    }
    const parameters: SqlValue[] = [];
    for (const request of unique) {
      parameters.push(
        jobId,
        request.line,
        request.customId,
        request.provider,
        request.endpoint,
        request.model,
        Buffer.byteLength(request.body),
        request.estimatedTokens,
        'pending',
      );
    }
    const inserted = await executor.all<{ line: number }>(
      `INSERT INTO requests (job_id, line, custom_id, provider, endpoint, model, body_bytes, estimated_tokens, state)
       VALUES ${valuesPlaceholders(unique.length, 9)} ON CONFLICT DO NOTHING RETURNING line`,
      parameters,
    );
    const insertedLines = new Set(inserted.map((row) => Number(row.line)));
    const bodies: SqlValue[] = [];
    for (const request of unique)
      if (insertedLines.has(request.line)) bodies.push(jobId, request.line, request.body);
    if (bodies.length > 0) {
      await executor.run(
        `INSERT INTO request_bodies (job_id, line, body) VALUES ${valuesPlaceholders(bodies.length / 3, 3)}
         ON CONFLICT DO NOTHING`,
        bodies,
      );
    }
    if (inserted.length === unique.length) continue;
    for (const request of unique) {
      if (insertedLines.has(request.line)) continue;
      const earlier = await executor.get<{ line: number }>(
        'SELECT line FROM requests WHERE job_id = ? AND custom_id = ?',
        [jobId, request.customId],
      );
      // A line already stored under its own number was ingested by an earlier run: not a duplicate.
      if (earlier && Number(earlier.line) !== request.line) {
        duplicates.push({
          line: request.line,
          customId: request.customId,
          earlierLine: Number(earlier.line),
        });
      }
    }
  }
  return duplicates;
}

export interface Reject {
  line: number;
  customId: string | null;
  code: string;
  reason: string;
}

export async function insertRejects(
  executor: SqlExecutor,
  jobId: string,
  rejects: readonly Reject[],
): Promise<void> {
  for (let start = 0; start < rejects.length; start += insertRows) {
    const slice = rejects.slice(start, start + insertRows);
    const parameters: SqlValue[] = [];
    for (const reject of slice)
      parameters.push(jobId, reject.line, reject.customId, reject.code, reject.reason);
    await executor.run(
      `INSERT INTO rejects (job_id, line, custom_id, code, reason) VALUES ${valuesPlaceholders(slice.length, 5)}
       ON CONFLICT DO NOTHING`,
      parameters,
    );
  }
}

/** Rejects in line order, a page at a time after `afterLine`. */
export async function rejectsPage(executor: SqlExecutor, jobId: string, afterLine: number, limit: number) {
  return executor.all<{ line: number; custom_id: string | null; code: string; reason: string }>(
    'SELECT line, custom_id, code, reason FROM rejects WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?',
    [jobId, afterLine, limit],
  );
}

/** Request counts per state. */
export async function countRequestStates(
  executor: SqlExecutor,
  jobId: string,
): Promise<Record<RequestState, number>> {
  const rows = await executor.all<{ state: RequestState; count: number }>(
    'SELECT state, COUNT(*) AS count FROM requests WHERE job_id = ? GROUP BY state',
    [jobId],
  );
  const counts = Object.fromEntries(
    [...finalRequestStates, 'pending', 'queued'].map((state) => [state, 0]),
  ) as Record<RequestState, number>;
  for (const row of rows) counts[row.state] = Number(row.count);
  return counts;
}

/** The (provider, endpoint, model) groups that have requests waiting to be packed. */
export async function pendingGroups(executor: SqlExecutor, jobId: string) {
  return executor.all<{ provider: string; endpoint: string; model: string }>(
    `SELECT DISTINCT provider, endpoint, model FROM requests WHERE job_id = ? AND state = 'pending'
     ORDER BY provider, endpoint, model`,
    [jobId],
  );
}

export interface PackingRow {
  line: number;
  bodyBytes: number;
  estimatedTokens: number;
}

/** Pending requests of one group in line order, a page at a time after `afterLine` (no bodies). */
export async function pendingPage(
  executor: SqlExecutor,
  jobId: string,
  group: { provider: string; endpoint: string; model: string },
  afterLine: number,
  limit: number,
): Promise<PackingRow[]> {
  const rows = await executor.all<{ line: number; body_bytes: number; estimated_tokens: number }>(
    `SELECT line, body_bytes, estimated_tokens FROM requests
     WHERE job_id = ? AND state = 'pending' AND provider = ? AND endpoint = ? AND model = ? AND line > ?
     ORDER BY line LIMIT ?`,
    [jobId, group.provider, group.endpoint, group.model, afterLine, limit],
  );
  return rows.map((row) => ({
    line: Number(row.line),
    bodyBytes: Number(row.body_bytes),
    estimatedTokens: Number(row.estimated_tokens),
  }));
}

/** Puts the pending requests of a group with lines in [firstLine, lastLine] into a chunk. */
export async function assignToChunk(
  executor: SqlExecutor,
  jobId: string,
  chunkId: string,
  group: { provider: string; endpoint: string; model: string },
  firstLine: number,
  lastLine: number,
): Promise<number> {
  return executor.run(
    `UPDATE requests SET state = 'queued', chunk_id = ?
     WHERE job_id = ? AND state = 'pending' AND provider = ? AND endpoint = ? AND model = ? AND line BETWEEN ? AND ?`,
    [chunkId, jobId, group.provider, group.endpoint, group.model, firstLine, lastLine],
  );
}

/** A chunk's requests in line order, a page at a time: what its provider batch is built from. */
export async function chunkRequestsPage(
  executor: SqlExecutor,
  chunkId: string,
  afterLine: number,
  limit: number,
) {
  const rows = await executor.all<{ line: number; body: string; attempts: number }>(
    `SELECT r.line, b.body, r.attempts FROM requests r JOIN request_bodies b ON b.job_id = r.job_id AND b.line = r.line
     WHERE r.chunk_id = ? AND r.state = 'queued' AND r.line > ? ORDER BY r.line LIMIT ?`,
    [chunkId, afterLine, limit],
  );
  return rows.map((row) => ({ line: Number(row.line), body: row.body, attempts: Number(row.attempts) }));
}

export interface StoredRequest {
  line: number;
  custom_id: string;
  provider: string;
  endpoint: string;
  model: string;
  state: RequestState;
  attempts: number;
  chunk_id: string | null;
  lane: string | null;
  status_code: number | null;
  response: string | null;
  error: string | null;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  cost_nanousd: number | null;
  realtime_cost_nanousd: number | null;
}

/** Requests in line order after `afterLine`: the results file is written from these pages. */
export async function requestsPage(
  executor: SqlExecutor,
  jobId: string,
  afterLine: number,
  limit: number,
  state?: RequestState,
): Promise<StoredRequest[]> {
  const rows = await executor.all<StoredRequest>(
    `SELECT r.line, r.custom_id, r.provider, r.endpoint, r.model, r.state, r.attempts, r.chunk_id, r.lane,
       r.status_code, p.body AS response, r.error, r.input_tokens, r.cached_input_tokens, r.output_tokens,
       r.cost_nanousd, r.realtime_cost_nanousd
     FROM requests r LEFT JOIN responses p ON p.job_id = r.job_id AND p.line = r.line
     WHERE r.job_id = ? AND r.line > ? ${state ? 'AND r.state = ?' : ''} ORDER BY r.line LIMIT ?`,
    state ? [jobId, afterLine, state, limit] : [jobId, afterLine, limit],
  );
  for (const row of rows) row.line = Number(row.line);
  return rows;
}

/** Pending requests with their bodies, for synchronous calls (the deadline fallback). */
export async function pendingWithBodies(
  executor: SqlExecutor,
  jobId: string,
  afterLine: number,
  limit: number,
) {
  const rows = await executor.all<{
    line: number;
    custom_id: string;
    provider: string;
    endpoint: string;
    model: string;
    body: string;
  }>(
    `SELECT r.line, r.custom_id, r.provider, r.endpoint, r.model, b.body
     FROM requests r JOIN request_bodies b ON b.job_id = r.job_id AND b.line = r.line
     WHERE r.job_id = ? AND r.state = 'pending' AND r.line > ? ORDER BY r.line LIMIT ?`,
    [jobId, afterLine, limit],
  );
  for (const row of rows) row.line = Number(row.line);
  return rows;
}
