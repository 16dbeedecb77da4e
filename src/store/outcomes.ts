import type { RequestState } from './requests.js';
import { type SqlExecutor, type SqlValue, valuesPlaceholders } from './sql.js';

/** Where a request ran. */
export type Lane = 'realtime' | 'flex' | 'batch';

/**
 * A limit of tries that never binds: the largest value of the attempts column's type (INTEGER,
 * 32 bits on Postgres, which refuses a larger bound parameter there).
 */
export const unlimitedAttempts = 2 ** 31 - 1;

/** One finished try of one request, as the engine hands it to the store. */
export interface Outcome {
  line: number;
  /** The chunk whose provider batch produced this result; null for a synchronous call. */
  chunkId: string | null;
  providerBatchId: string | null;
  lane: Lane;
  outcome: 'succeeded' | 'failed_retryable' | 'failed_invalid' | 'expired' | 'cancelled';
  /** Whether another try may follow (retryable outcomes with attempts left, when the job still runs). */
  retry: boolean;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  usage: {
    inputTokens: number;
    cachedInputTokens: number;
    cacheCreationInputTokens: number;
    outputTokens: number;
  } | null;
  /** nano-USD; null where the price is unknown. */
  cost: number | null;
  realtimeCost: number | null;
  batchCost: number | null;
  flexCost: number | null;
  deadlineFallback: boolean;
}

export interface LedgerContext {
  jobId: string;
  workload: string;
  provider: string;
  model: string;
  endpoint: string;
  now: number;
}

/**
 * Applies outcomes, each at most once: a request takes an outcome only while it is still where
 * that outcome expects it (`queued` in that chunk, or `pending` for a synchronous call), so
 * applying the same results again after a crash changes nothing. Succeeded tries write a ledger
 * row in the same transaction. Returns how many outcomes took effect.
 */
export async function applyOutcomes(
  executor: SqlExecutor,
  context: LedgerContext,
  maxAttempts: number,
  outcomes: readonly Outcome[],
): Promise<number> {
  // Rows to insert, each table's values in one flat list (no array per row to build and flatten).
  const ledgerRows: SqlValue[] = [];
  const attemptRows: SqlValue[] = [];
  const responseRows: SqlValue[] = [];
  let applied = 0;
  const taken = await takeOutcomes(executor, context, maxAttempts, outcomes);
  for (const outcome of outcomes) {
    const usage = outcome.usage;
    const row = taken.get(outcome);
    if (!row) continue;
    applied++;
    const attempt = Number(row.attempts);
    // Only a final outcome's body is kept: it is what the results file shows.
    if (row.state !== 'pending' && outcome.response !== null)
      responseRows.push(context.jobId, outcome.line, outcome.response);
    // The history of tries is kept for requests that needed more than one or did not succeed; a
    // first-try success is all in its request row (attempts 1, lane, chunk) and its ledger row.
    if (outcome.outcome !== 'succeeded' || attempt > 1)
      attemptRows.push(
        context.jobId,
        outcome.line,
        attempt,
        outcome.chunkId,
        outcome.providerBatchId,
        outcome.lane,
        outcome.outcome,
        outcome.statusCode,
        outcome.error,
        context.now,
      );
    if (outcome.outcome === 'succeeded' && usage) {
      ledgerRows.push(
        `${context.jobId}:${outcome.line}:${attempt}`,
        context.jobId,
        outcome.line,
        context.workload,
        null,
        context.provider,
        context.model,
        context.endpoint,
        outcome.lane,
        usage.inputTokens,
        usage.cachedInputTokens,
        usage.cacheCreationInputTokens,
        usage.outputTokens,
        outcome.cost,
        outcome.realtimeCost,
        outcome.batchCost,
        outcome.flexCost,
        outcome.deadlineFallback ? 1 : 0,
        context.now,
      );
    }
  }
  await insertRows(executor, 'INSERT INTO responses (job_id, line, body)', 3, responseRows);
  await insertRows(executor, attemptsInsert, 10, attemptRows);
  await insertRows(executor, ledgerInsert, 19, ledgerRows);
  return applied;
}

export const attemptsInsert =
  'INSERT INTO attempts (job_id, line, attempt, chunk_id, provider_batch_id, lane, outcome, status_code, error, finished_at)';

export const ledgerInsert = `INSERT INTO ledger (id, job_id, line, workload, team, provider, model, endpoint, lane, input_tokens,
  cached_input_tokens, cache_creation_input_tokens, output_tokens, cost_nanousd, realtime_cost_nanousd, batch_cost_nanousd,
  flex_cost_nanousd, deadline_fallback, created_at)`;

/** What a request became when an outcome took effect. */
interface Taken {
  attempts: number;
  state: RequestState;
}

/** Outcomes per statement of the set-based update: 12 values each, well under both databases' limits. */
const outcomesPerStatement = 200;

/**
 * Moves requests to their outcomes and says which outcomes took effect. On Postgres, batch
 * results (those with a chunk) go in set-based statements of up to 200, so a database across a
 * network pays one round trip per 200 results, not per result. SQLite is in process: a prepared
 * point update per result is cheap there, and measured faster than its plan for the set-based
 * form (at 200,000 requests the set-based update doubled the runner's CPU time). Its updates carry
 * no RETURNING clause (which cost SQLite about as much as the update itself): the tries each
 * request had are read first, for a whole run of lines in one range scan, inside the same
 * transaction, and an update that changed its row took effect.
 */
async function takeOutcomes(
  executor: SqlExecutor,
  context: LedgerContext,
  maxAttempts: number,
  outcomes: readonly Outcome[],
): Promise<Map<Outcome, Taken>> {
  const taken = new Map<Outcome, Taken>();
  const inChunks: Outcome[] = [];
  const seenLines = new Set<number>();
  if (executor.dialect === 'sqlite') {
    const queued = await queuedAttempts(executor, context.jobId, outcomes);
    for (const outcome of outcomes) {
      if (outcome.chunkId === null) {
        const row = await takeOneOutcome(executor, context, maxAttempts, outcome);
        if (row) taken.set(outcome, row);
        continue;
      }
      const attempts = queued.get(outcome.line);
      // Not queued in this chunk (any more): applied already, or never this chunk's.
      if (attempts === undefined || attempts.chunkId !== outcome.chunkId) continue;
      queued.delete(outcome.line);
      const row = await takeQueuedOutcome(executor, context, maxAttempts, outcome, attempts.attempts);
      if (row) taken.set(outcome, row);
    }
    return taken;
  }
  for (const outcome of outcomes) {
    if (outcome.chunkId === null) {
      const row = await takeOneOutcome(executor, context, maxAttempts, outcome);
      if (row) taken.set(outcome, row);
    } else if (!seenLines.has(outcome.line)) {
      // A line reported twice (a download read again) takes its first result only.
      seenLines.add(outcome.line);
      inChunks.push(outcome);
    }
  }
  for (let start = 0; start < inChunks.length; start += outcomesPerStatement) {
    const slice = inChunks.slice(start, start + outcomesPerStatement);
    const values: SqlValue[] = [];
    for (const outcome of slice) values.push(...outcomeValues(outcome));
    const row =
      '(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), ' +
      'CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS BIGINT))';
    // A retryable outcome sends the request back to `pending` while attempts remain.
    const rows = await executor.all<{ line: number; attempts: number; state: RequestState }>(
      `WITH outcome (line, chunk_id, retry, result, lane, status_code, error, input_tokens, cached_input_tokens,
         output_tokens, cost, realtime_cost) AS (VALUES ${slice.map(() => row).join(', ')})
       UPDATE requests SET
         attempts = requests.attempts + 1,
         state = CASE WHEN outcome.retry = 1 AND requests.attempts + 1 < ? THEN 'pending' ELSE outcome.result END,
         chunk_id = CASE WHEN outcome.retry = 1 AND requests.attempts + 1 < ? THEN NULL ELSE requests.chunk_id END,
         lane = outcome.lane, status_code = outcome.status_code, error = outcome.error,
         input_tokens = outcome.input_tokens, cached_input_tokens = outcome.cached_input_tokens,
         output_tokens = outcome.output_tokens, cost_nanousd = outcome.cost,
         realtime_cost_nanousd = outcome.realtime_cost, finished_at = ?
       FROM outcome
       WHERE requests.job_id = ? AND requests.line = outcome.line AND requests.state = 'queued'
         AND requests.chunk_id = outcome.chunk_id
       RETURNING requests.line AS line, requests.attempts AS attempts, requests.state AS state`,
      [...values, maxAttempts, maxAttempts, context.now, context.jobId],
    );
    const byLine = new Map(slice.map((outcome) => [outcome.line, outcome]));
    for (const result of rows) {
      const outcome = byLine.get(Number(result.line));
      if (outcome) taken.set(outcome, { attempts: Number(result.attempts), state: result.state });
    }
  }
  return taken;
}

function outcomeValues(outcome: Outcome): SqlValue[] {
  const usage = outcome.usage;
  const succeeded = outcome.outcome === 'succeeded';
  return [
    outcome.line,
    outcome.chunkId,
    outcome.retry ? 1 : 0,
    outcome.outcome,
    outcome.lane,
    outcome.statusCode,
    outcome.error,
    usage?.inputTokens ?? null,
    usage?.cachedInputTokens ?? null,
    usage?.outputTokens ?? null,
    succeeded ? outcome.cost : null,
    succeeded ? outcome.realtimeCost : null,
  ];
}

/** Tries so far of the queued requests among the outcomes' lines (one range scan), by line. */
async function queuedAttempts(
  executor: SqlExecutor,
  jobId: string,
  outcomes: readonly Outcome[],
): Promise<Map<number, { attempts: number; chunkId: string }>> {
  const queued = new Map<number, { attempts: number; chunkId: string }>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const outcome of outcomes) {
    if (outcome.chunkId === null) continue;
    if (outcome.line < first) first = outcome.line;
    if (outcome.line > last) last = outcome.line;
  }
  if (first > last) return queued;
  const rows = await executor.all<{ line: number; attempts: number; chunk_id: string }>(
    "SELECT line, attempts, chunk_id FROM requests WHERE job_id = ? AND line BETWEEN ? AND ? AND state = 'queued'",
    [jobId, first, last],
  );
  for (const row of rows)
    queued.set(Number(row.line), { attempts: Number(row.attempts), chunkId: row.chunk_id });
  return queued;
}

/**
 * An outcome for a request known (in this transaction) to be queued in the outcome's chunk with
 * `attempts` tries so far. The guard stays in the statement all the same.
 */
async function takeQueuedOutcome(
  executor: SqlExecutor,
  context: LedgerContext,
  maxAttempts: number,
  outcome: Outcome,
  attempts: number,
): Promise<Taken | undefined> {
  const [line, chunkId, , result, lane, statusCode, error, input, cached, output, cost, realtimeCost] =
    outcomeValues(outcome);
  const again = outcome.retry && attempts + 1 < maxAttempts;
  const changed = await executor.run(
    `UPDATE requests SET
       attempts = ?, state = ?, ${again ? 'chunk_id = NULL,' : ''}
       lane = ?, status_code = ?, error = ?, input_tokens = ?, cached_input_tokens = ?, output_tokens = ?,
       cost_nanousd = ?, realtime_cost_nanousd = ?, finished_at = ?
     WHERE job_id = ? AND line = ? AND state = 'queued' AND chunk_id = ? AND attempts = ?`,
    [
      attempts + 1,
      again ? 'pending' : result!,
      lane!,
      statusCode!,
      error!,
      input!,
      cached!,
      output!,
      cost!,
      realtimeCost!,
      context.now,
      context.jobId,
      line!,
      chunkId!,
      attempts,
    ],
  );
  return changed === 1
    ? { attempts: attempts + 1, state: again ? 'pending' : (result as RequestState) }
    : undefined;
}

/**
 * One outcome, if its request is still where the outcome expects it: `queued` in the outcome's
 * chunk, or `pending` for a synchronous call. An outcome that cannot be tried again (most of them)
 * leaves chunk_id out of its SET list, so the update does not touch the chunk index.
 */
async function takeOneOutcome(
  executor: SqlExecutor,
  context: LedgerContext,
  maxAttempts: number,
  outcome: Outcome,
): Promise<Taken | undefined> {
  const [line, chunkId, retry, result, lane, statusCode, error, input, cached, output, cost, realtimeCost] =
    outcomeValues(outcome);
  const guard = chunkId === null ? "state = 'pending'" : "state = 'queued' AND chunk_id = ?";
  const where = [context.now, context.jobId, line!, ...(chunkId === null ? [] : [chunkId!])];
  const results = [lane!, statusCode!, error!, input!, cached!, output!, cost!, realtimeCost!];
  const rows = outcome.retry
    ? await executor.all<Taken>(
        `UPDATE requests SET
           attempts = attempts + 1,
           state = CASE WHEN ? = 1 AND attempts + 1 < ? THEN 'pending' ELSE ? END,
           chunk_id = CASE WHEN ? = 1 AND attempts + 1 < ? THEN NULL ELSE chunk_id END,
           lane = ?, status_code = ?, error = ?, input_tokens = ?, cached_input_tokens = ?, output_tokens = ?,
           cost_nanousd = ?, realtime_cost_nanousd = ?, finished_at = ?
         WHERE job_id = ? AND line = ? AND ${guard}
         RETURNING attempts, state`,
        [retry!, maxAttempts, result!, retry!, maxAttempts, ...results, ...where],
      )
    : await executor.all<Taken>(
        `UPDATE requests SET
           attempts = attempts + 1, state = ?,
           lane = ?, status_code = ?, error = ?, input_tokens = ?, cached_input_tokens = ?, output_tokens = ?,
           cost_nanousd = ?, realtime_cost_nanousd = ?, finished_at = ?
         WHERE job_id = ? AND line = ? AND ${guard}
         RETURNING attempts, state`,
        [result!, ...results, ...where],
      );
  const row = rows[0];
  return row ? { attempts: Number(row.attempts), state: row.state } : undefined;
}

/**
 * Inserts rows given as one flat list of `columns` values each, in statements of at most 5,000
 * values. Statements hold a power-of-two number of rows (a remainder of 300 goes as 256 + 32 +
 * 8 + 4): a driver keeps every statement it prepared, and results arrive in runs of any length.
 */
export async function insertRows(
  executor: SqlExecutor,
  insert: string,
  columns: number,
  values: SqlValue[],
): Promise<void> {
  const rowsPerStatement = 2 ** Math.floor(Math.log2(5000 / columns));
  let start = 0;
  while (start < values.length) {
    const left = (values.length - start) / columns;
    const rows = left >= rowsPerStatement ? rowsPerStatement : 2 ** Math.floor(Math.log2(left));
    const end = start + rows * columns;
    await executor.run(
      insertStatement(insert, rows, columns),
      start === 0 && end === values.length ? values : values.slice(start, end),
    );
    start = end;
  }
}

/**
 * Gathers rows for `insertRows` and inserts them a full statement at a time, so that memory holds
 * one statement's values rather than every row (a batch's 50,000 ledger rows are ~10 MB as one
 * list, built just when the heap is at its fullest).
 */
export class RowInserter {
  private values: SqlValue[] = [];
  private readonly full: number;

  constructor(
    private readonly executor: SqlExecutor,
    private readonly insert: string,
    private readonly columns: number,
  ) {
    this.full = 2 ** Math.floor(Math.log2(5000 / columns)) * columns;
  }

  async add(row: readonly SqlValue[]): Promise<void> {
    for (const value of row) this.values.push(value);
    if (this.values.length >= this.full) await this.finish();
  }

  /** Inserts the rows still gathered. */
  async finish(): Promise<void> {
    if (this.values.length === 0) return;
    const values = this.values;
    this.values = [];
    await insertRows(this.executor, this.insert, this.columns, values);
  }
}

const insertStatements = new Map<string, string>();

function insertStatement(insert: string, rows: number, columns: number): string {
  const key = `${rows}:${insert}`;
  let statement = insertStatements.get(key);
  if (statement === undefined) {
    statement = `${insert} VALUES ${valuesPlaceholders(rows, columns)} ON CONFLICT DO NOTHING`;
    insertStatements.set(key, statement);
  }
  return statement;
}

/**
 * Ends every request of a chunk that is still queued in it without having had a result: they go
 * back to `pending` (to be packed again) or, when `finalState` is given, end in that state.
 */
export async function releaseChunkRequests(
  executor: SqlExecutor,
  jobId: string,
  chunkId: string,
  finalState: RequestState | null,
  now: number,
): Promise<number> {
  if (finalState === null) {
    return executor.run(
      "UPDATE requests SET state = 'pending', chunk_id = NULL WHERE job_id = ? AND chunk_id = ? AND state = 'queued'",
      [jobId, chunkId],
    );
  }
  return executor.run(
    "UPDATE requests SET state = ?, finished_at = ? WHERE job_id = ? AND chunk_id = ? AND state = 'queued'",
    [finalState, now, jobId, chunkId],
  );
}

/** Ends every pending request of a job in `state` (a cancelled job, a deadline with `fail`). */
export async function endPendingRequests(
  executor: SqlExecutor,
  jobId: string,
  state: RequestState,
  error: string | null,
  now: number,
): Promise<number> {
  return executor.run(
    "UPDATE requests SET state = ?, error = ?, finished_at = ? WHERE job_id = ? AND state = 'pending'",
    [state, error, now, jobId],
  );
}

/** Ledger totals of a job, to check against its results. */
export async function ledgerTotals(executor: SqlExecutor, jobId: string) {
  const row = await executor.get<{
    rows: number;
    cost: number | null;
    realtime: number | null;
    unpriced: number;
    fallbacks: number | null;
  }>(
    `SELECT COUNT(*) AS rows, SUM(cost_nanousd) AS cost, SUM(realtime_cost_nanousd) AS realtime,
       SUM(CASE WHEN cost_nanousd IS NULL THEN 1 ELSE 0 END) AS unpriced, SUM(deadline_fallback) AS fallbacks
     FROM ledger WHERE job_id = ?`,
    [jobId],
  );
  return {
    rows: Number(row?.rows ?? 0),
    costNanoUsd: Number(row?.cost ?? 0),
    realtimeCostNanoUsd: Number(row?.realtime ?? 0),
    unpriced: Number(row?.unpriced ?? 0),
    // Rows of requests the deadline sent to the realtime lane.
    deadlineFallbacks: Number(row?.fallbacks ?? 0),
  };
}

/**
 * Counts one failed try for every request still queued in a chunk whose provider batch failed or
 * was lost as a whole: back to `pending` while attempts remain (and `retry` allows), else
 * `failed_retryable` with the batch's error.
 */
export async function failChunkRequests(
  executor: SqlExecutor,
  jobId: string,
  chunkId: string,
  error: string,
  options: { retry: boolean; maxAttempts: number; now: number },
): Promise<number> {
  const retry = options.retry ? 1 : 0;
  return executor.run(
    `UPDATE requests SET
       attempts = attempts + 1,
       state = CASE WHEN ? = 1 AND attempts + 1 < ? THEN 'pending' ELSE 'failed_retryable' END,
       chunk_id = CASE WHEN ? = 1 AND attempts + 1 < ? THEN NULL ELSE chunk_id END,
       lane = 'batch', error = ?, finished_at = ?
     WHERE job_id = ? AND chunk_id = ? AND state = 'queued'`,
    [retry, options.maxAttempts, retry, options.maxAttempts, error, options.now, jobId, chunkId],
  );
}
