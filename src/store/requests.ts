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
    // No RETURNING: it costs SQLite about as much as the insert. All rows go in but on a resumed or
    // repeated ingest, so the rare statement that inserted fewer is looked at line by line.
    const inserted = await executor.run(
      `INSERT INTO requests (job_id, line, custom_id, provider, endpoint, model, body_bytes, estimated_tokens, state)
       VALUES ${valuesPlaceholders(unique.length, 9)} ON CONFLICT DO NOTHING`,
      parameters,
    );
    let stored = unique;
    if (inserted !== unique.length) {
      stored = [];
      for (const request of unique) {
        const holder = await executor.get<{ line: number }>(
          'SELECT line FROM requests WHERE job_id = ? AND custom_id = ?',
          [jobId, request.customId],
        );
        // A line already stored under its own number (an earlier run) keeps its body: inserting
        // it again changes nothing. One whose custom_id another line holds is a duplicate.
        if (holder && Number(holder.line) === request.line) stored.push(request);
        else if (holder) {
          duplicates.push({
            line: request.line,
            customId: request.customId,
            earlierLine: Number(holder.line),
          });
        }
      }
    }
    const bodies: SqlValue[] = [];
    for (const request of stored) bodies.push(jobId, request.line, request.body);
    if (bodies.length > 0) {
      await executor.run(
        `INSERT INTO request_bodies (job_id, line, body) VALUES ${valuesPlaceholders(bodies.length / 3, 3)}
         ON CONFLICT DO NOTHING`,
        bodies,
      );
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
  /** Stored at ingest: an upper bound of the tokenizer's count (an exact count in older jobs). */
  estimatedTokens: number;
  /** The body, when asked for (to count its tokens exactly). */
  body?: string;
}

/**
 * Pending requests of one group in line order, a page at a time after `afterLine`; without their
 * bodies unless `withBodies`.
 */
export async function pendingPage(
  executor: SqlExecutor,
  jobId: string,
  group: { provider: string; endpoint: string; model: string },
  afterLine: number,
  limit: number,
  withBodies = false,
): Promise<PackingRow[]> {
  const rows = await executor.all<{
    line: number;
    body_bytes: number;
    estimated_tokens: number;
    body?: string;
  }>(
    withBodies
      ? `SELECT r.line, r.body_bytes, r.estimated_tokens, b.body FROM requests r
           JOIN request_bodies b ON b.job_id = r.job_id AND b.line = r.line
         WHERE r.job_id = ? AND r.state = 'pending' AND r.provider = ? AND r.endpoint = ? AND r.model = ? AND r.line > ?
         ORDER BY r.line LIMIT ?`
      : `SELECT line, body_bytes, estimated_tokens FROM requests
         WHERE job_id = ? AND state = 'pending' AND provider = ? AND endpoint = ? AND model = ? AND line > ?
         ORDER BY line LIMIT ?`,
    [jobId, group.provider, group.endpoint, group.model, afterLine, limit],
  );
  return rows.map((row) => ({
    line: Number(row.line),
    bodyBytes: Number(row.body_bytes),
    estimatedTokens: Number(row.estimated_tokens),
    ...(row.body === undefined ? {} : { body: row.body }),
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

/** The first and last input line of a chunk's requests (an index probe), or undefined when it has none. */
export async function chunkLineRange(
  executor: SqlExecutor,
  chunkId: string,
): Promise<{ first: number; last: number } | undefined> {
  const row = await executor.get<{ first: number | null; last: number | null }>(
    'SELECT MIN(line) AS first, MAX(line) AS last FROM requests WHERE chunk_id = ?',
    [chunkId],
  );
  return row?.first == null || row.last == null
    ? undefined
    : { first: Number(row.first), last: Number(row.last) };
}

/**
 * A chunk's requests in line order, a page at a time: what its provider batch is built from. A
 * chunk packed from pending requests is mostly one run of lines, so its bodies are read in one
 * range scan and merged in by line; a sparse page (a chunk of retries) is joined instead.
 */
export async function chunkRequestsPage(
  executor: SqlExecutor,
  jobId: string,
  chunkId: string,
  afterLine: number,
  limit: number,
): Promise<Array<{ line: number; body: string; attempts: number }>> {
  const requests = await executor.all<{ line: number; attempts: number }>(
    `SELECT line, attempts FROM requests WHERE chunk_id = ? AND state = 'queued' AND line > ? ORDER BY line LIMIT ?`,
    [chunkId, afterLine, limit],
  );
  if (requests.length === 0) return [];
  const first = Number(requests[0]!.line);
  const last = Number(requests.at(-1)!.line);
  if (last - first + 1 > 2 * requests.length) {
    const rows = await executor.all<{ line: number; body: string; attempts: number }>(
      `SELECT r.line, b.body, r.attempts FROM requests r JOIN request_bodies b ON b.job_id = r.job_id AND b.line = r.line
       WHERE r.chunk_id = ? AND r.state = 'queued' AND r.line BETWEEN ? AND ? ORDER BY r.line`,
      [chunkId, first, last],
    );
    return rows.map((row) => ({ line: Number(row.line), body: row.body, attempts: Number(row.attempts) }));
  }
  const bodies = await executor.all<{ line: number; body: string }>(
    'SELECT line, body FROM request_bodies WHERE job_id = ? AND line BETWEEN ? AND ? ORDER BY line',
    [jobId, first, last],
  );
  const page: Array<{ line: number; body: string; attempts: number }> = [];
  let next = 0;
  for (const body of bodies) {
    const line = Number(body.line);
    while (next < requests.length && Number(requests[next]!.line) < line) next++;
    if (next === requests.length) break;
    const request = requests[next]!;
    if (Number(request.line) === line)
      page.push({ line, body: body.body, attempts: Number(request.attempts) });
  }
  return page;
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

/** What a line of results.jsonl is written from. */
export type ResultSource = Pick<
  StoredRequest,
  | 'line'
  | 'custom_id'
  | 'state'
  | 'attempts'
  | 'lane'
  | 'status_code'
  | 'response'
  | 'error'
  | 'cost_nanousd'
  | 'realtime_cost_nanousd'
>;

/**
 * Requests in line order after `afterLine`: the results file is written from these pages. The
 * response bodies of a page are read in one range scan and merged in by line, which costs a
 * fraction of a join probing the responses table once per request.
 */
export async function requestsPage(
  executor: SqlExecutor,
  jobId: string,
  afterLine: number,
  limit: number,
  state?: RequestState,
): Promise<ResultSource[]> {
  const rows = await executor.all<ResultSource>(
    `SELECT line, custom_id, state, attempts, lane, status_code, NULL AS response, error, cost_nanousd,
       realtime_cost_nanousd
     FROM requests WHERE job_id = ? AND line > ? ${state ? 'AND state = ?' : ''} ORDER BY line LIMIT ?`,
    state ? [jobId, afterLine, state, limit] : [jobId, afterLine, limit],
  );
  if (rows.length === 0) return rows;
  for (const row of rows) row.line = Number(row.line);
  const responses = await executor.all<{ line: number; body: string }>(
    'SELECT line, body FROM responses WHERE job_id = ? AND line BETWEEN ? AND ? ORDER BY line',
    [jobId, rows[0]!.line, rows.at(-1)!.line],
  );
  let next = 0;
  for (const response of responses) {
    const line = Number(response.line);
    while (next < rows.length && rows[next]!.line < line) next++;
    if (next === rows.length) break;
    if (rows[next]!.line === line) rows[next]!.response = response.body;
  }
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
