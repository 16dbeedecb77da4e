import { SpendwallError } from '../core/errors.js';
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
  /** Where the body starts in the job's bodies file (batch/bodies-file.ts), and its length in bytes. */
  bodyOffset: number;
  bodyBytes: number;
  estimatedTokens: number;
  /** The chunk ingest packed it into (it is stored `queued` there), or null to be packed later. */
  chunkId: string | null;
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
        request.bodyOffset,
        request.bodyBytes,
        request.estimatedTokens,
        request.chunkId === null ? 'pending' : 'queued',
        request.chunkId,
      );
    }
    // No RETURNING: it costs SQLite about as much as the insert. All rows go in but on a resumed or
    // repeated ingest, so the rare statement that inserted fewer is looked at line by line.
    const inserted = await executor.run(
      `INSERT INTO requests (job_id, line, custom_id, provider, endpoint, model, body_offset, body_bytes,
         estimated_tokens, state, chunk_id)
       VALUES ${valuesPlaceholders(unique.length, 11)} ON CONFLICT DO NOTHING`,
      parameters,
    );
    if (inserted !== unique.length) {
      for (const request of unique) {
        const holder = await executor.get<{ line: number }>(
          'SELECT line FROM requests WHERE job_id = ? AND custom_id = ?',
          [jobId, request.customId],
        );
        // A line already stored under its own number (an earlier run) keeps its row, and the body
        // its row points at: inserting it again changes nothing. One whose custom_id another line
        // holds is a duplicate (its body's bytes in the file are then referred to by no row).
        if (holder && Number(holder.line) !== request.line) {
          duplicates.push({
            line: request.line,
            customId: request.customId,
            earlierLine: Number(holder.line),
          });
        }
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

/**
 * Where a request's body is: `bodyBytes` bytes at `bodyOffset` in its job's bodies file
 * (batch/bodies-file.ts), or, for a request ingested before that file existed (`bodyOffset` null),
 * `body` itself, read from request_bodies.
 */
export interface BodyPlace {
  line: number;
  bodyOffset: number | null;
  bodyBytes: number;
  body?: string;
}

export interface PackingRow extends BodyPlace {
  /** Stored at ingest: an upper bound of the tokenizer's count (an exact count in older jobs). */
  estimatedTokens: number;
}

/**
 * Pending requests of one group in line order, a page at a time after `afterLine`. With
 * `withBodies` (to count tokens exactly), the bodies of older requests are read from the database.
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
    body_offset: number | null;
    body_bytes: number;
    estimated_tokens: number;
  }>(
    `SELECT line, body_offset, body_bytes, estimated_tokens FROM requests
     WHERE job_id = ? AND state = 'pending' AND provider = ? AND endpoint = ? AND model = ? AND line > ?
     ORDER BY line LIMIT ?`,
    [jobId, group.provider, group.endpoint, group.model, afterLine, limit],
  );
  const page = rows.map((row) => ({
    line: Number(row.line),
    bodyOffset: row.body_offset === null ? null : Number(row.body_offset),
    bodyBytes: Number(row.body_bytes),
    estimatedTokens: Number(row.estimated_tokens),
  }));
  if (withBodies) await addOlderBodies(executor, jobId, page);
  return page;
}

/**
 * Reads from request_bodies the bodies of the requests (in line order) that have no place in the
 * bodies file: those of a job ingested before it existed. One range scan when those lines are
 * dense, else a lookup by line; nothing at all for a newer job.
 */
async function addOlderBodies(executor: SqlExecutor, jobId: string, requests: BodyPlace[]): Promise<void> {
  const older = requests.filter((request) => request.bodyOffset === null);
  if (older.length === 0) return;
  const first = older[0]!.line;
  const last = older.at(-1)!.line;
  const bodies = new Map<number, string>();
  if (last - first + 1 <= 2 * older.length) {
    const rows = await executor.all<{ line: number; body: string }>(
      'SELECT line, body FROM request_bodies WHERE job_id = ? AND line BETWEEN ? AND ?',
      [jobId, first, last],
    );
    for (const row of rows) bodies.set(Number(row.line), row.body);
  } else {
    for (let start = 0; start < older.length; start += insertRows) {
      const lines = older.slice(start, start + insertRows).map((request) => request.line);
      const rows = await executor.all<{ line: number; body: string }>(
        `SELECT line, body FROM request_bodies WHERE job_id = ? AND line IN (${lines.map(() => '?').join(', ')})`,
        [jobId, ...lines],
      );
      for (const row of rows) bodies.set(Number(row.line), row.body);
    }
  }
  for (const request of older) {
    const body = bodies.get(request.line);
    if (body === undefined) {
      throw new SpendwallError(`request line ${request.line} has no body in request_bodies`, {
        code: 'body_missing',
        place: `job ${jobId}`,
      });
    }
    request.body = body;
  }
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

/** A chunk's queued requests by input line: their custom_ids and the tries they had before this one. */
export async function queuedInChunk(
  executor: SqlExecutor,
  chunkId: string,
): Promise<Map<number, { customId: string; attempts: number }>> {
  const rows = await executor.tuples<[line: number, customId: string, attempts: number]>(
    "SELECT line, custom_id, attempts FROM requests WHERE chunk_id = ? AND state = 'queued'",
    [chunkId],
  );
  const queued = new Map<number, { customId: string; attempts: number }>();
  for (const [line, customId, attempts] of rows)
    queued.set(Number(line), { customId, attempts: Number(attempts) });
  return queued;
}

/**
 * A chunk's requests in line order, a page at a time: what its provider batch is built from. Their
 * bodies are read from the job's bodies file by the caller (in line order, so at increasing
 * offsets); only an older job's are read from the database here.
 */
export async function chunkRequestsPage(
  executor: SqlExecutor,
  jobId: string,
  chunkId: string,
  afterLine: number,
  limit: number,
): Promise<Array<BodyPlace & { attempts: number }>> {
  const rows = await executor.tuples<
    [line: number, bodyOffset: number | null, bodyBytes: number, attempts: number]
  >(
    `SELECT line, body_offset, body_bytes, attempts FROM requests
     WHERE chunk_id = ? AND state = 'queued' AND line > ? ORDER BY line LIMIT ?`,
    [chunkId, afterLine, limit],
  );
  const page = rows.map(([line, bodyOffset, bodyBytes, attempts]) => ({
    line: Number(line),
    bodyOffset: bodyOffset === null ? null : Number(bodyOffset),
    bodyBytes: Number(bodyBytes),
    attempts: Number(attempts),
  }));
  await addOlderBodies(executor, jobId, page);
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
  | 'chunk_id'
>;

/** A request whose results line is in its chunk's results file (batch/results-file.ts). */
export interface ResultInFile {
  line: number;
  /** The chunk whose results file holds the line. */
  inChunkFile: string;
}

/**
 * Requests in line order after `afterLine`: the results file is written from these pages. Most
 * requests of a large job succeeded in a batch and have their results line in their chunk's
 * file, so the page is read as line and chunk only; the full rows of the others (and their
 * response bodies, merged in by line from one range scan) are read apart, when there are any.
 */
export async function requestsPage(
  executor: SqlExecutor,
  jobId: string,
  afterLine: number,
  limit: number,
  tries = 3,
): Promise<Array<ResultSource | ResultInFile>> {
  const places = await executor.tuples<[line: number, chunkId: string | null, resultInFile: number]>(
    'SELECT line, chunk_id, result_in_file FROM requests WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?',
    [jobId, afterLine, limit],
  );
  if (places.length === 0) return [];
  const lines = places.map(([line]) => Number(line));
  const page: Array<ResultSource | ResultInFile | undefined> = new Array(places.length);
  let others = 0;
  for (let index = 0; index < places.length; index++) {
    const [line, chunkId, resultInFile] = places[index]!;
    if (Number(resultInFile) === 1 && chunkId !== null)
      page[index] = { line: Number(line), inChunkFile: chunkId };
    else others++;
  }
  if (others > 0) {
    const first = lines[0]!;
    const last = lines.at(-1)!;
    const rows = await executor.all<ResultSource>(
      `SELECT line, custom_id, state, attempts, lane, status_code, NULL AS response, error, cost_nanousd,
         realtime_cost_nanousd, chunk_id
       FROM requests WHERE job_id = ? AND line BETWEEN ? AND ? AND (result_in_file = 0 OR chunk_id IS NULL)
       ORDER BY line`,
      [jobId, first, last],
    );
    for (const row of rows) row.line = Number(row.line);
    const responses = await executor.all<{ line: number; body: string }>(
      'SELECT line, body FROM responses WHERE job_id = ? AND line BETWEEN ? AND ? ORDER BY line',
      [jobId, first, last],
    );
    let next = 0;
    for (const response of responses) {
      const line = Number(response.line);
      while (next < rows.length && rows[next]!.line < line) next++;
      if (next === rows.length) break;
      if (rows[next]!.line === line) rows[next]!.response = response.body;
    }
    // Into the page's free places, by line. A request that ended between the two reads (a runner
    // still at work) leaves its place free: the page is read again.
    let slot = 0;
    for (const row of rows) {
      while (slot < lines.length && lines[slot]! < row.line) slot++;
      if (slot < lines.length && lines[slot] === row.line && page[slot] === undefined) page[slot] = row;
    }
    if (page.includes(undefined)) {
      if (tries > 1) return requestsPage(executor, jobId, afterLine, limit, tries - 1);
      throw new Error(`the results of lines after ${afterLine} kept changing while they were read`);
    }
  }
  return page as Array<ResultSource | ResultInFile>;
}

/**
 * Pending requests with where their bodies are, for synchronous calls (the deadline fallback);
 * an older job's bodies are read from the database here.
 */
export async function pendingWithBodies(
  executor: SqlExecutor,
  jobId: string,
  afterLine: number,
  limit: number,
): Promise<Array<BodyPlace & { customId: string; provider: string; endpoint: string; model: string }>> {
  const rows = await executor.all<{
    line: number;
    custom_id: string;
    provider: string;
    endpoint: string;
    model: string;
    body_offset: number | null;
    body_bytes: number;
  }>(
    `SELECT line, custom_id, provider, endpoint, model, body_offset, body_bytes
     FROM requests WHERE job_id = ? AND state = 'pending' AND line > ? ORDER BY line LIMIT ?`,
    [jobId, afterLine, limit],
  );
  const page = rows.map((row) => ({
    line: Number(row.line),
    customId: row.custom_id,
    provider: row.provider,
    endpoint: row.endpoint,
    model: row.model,
    bodyOffset: row.body_offset === null ? null : Number(row.body_offset),
    bodyBytes: Number(row.body_bytes),
  }));
  await addOlderBodies(executor, jobId, page);
  return page;
}
