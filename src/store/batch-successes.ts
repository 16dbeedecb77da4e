import { attemptsInsert, insertRows, type LedgerContext, ledgerInsert, type Outcome } from './outcomes.js';
import type { RequestState } from './requests.js';
import type { SqlExecutor, SqlValue } from './sql.js';

/**
 * A provider batch's succeeded requests, as the harvest gathers them: per request its input line,
 * the try it was, and its usage and costs (8 numbers: input, cached input, cache-write input and
 * output tokens, then the cost paid and at realtime, batch and flex prices; NaN where unknown).
 * Flat number arrays: a batch of 50,000 successes is a few MB, not 50,000 objects.
 */
export class BatchSuccesses {
  readonly lines: number[] = [];
  readonly attempts: number[] = [];
  readonly statusCodes: Array<number | null> = [];
  readonly figures: number[] = [];

  add(outcome: Outcome, attempt: number): void {
    const usage = outcome.usage;
    this.lines.push(outcome.line);
    this.attempts.push(attempt);
    this.statusCodes.push(outcome.statusCode);
    this.figures.push(
      usage?.inputTokens ?? Number.NaN,
      usage?.cachedInputTokens ?? Number.NaN,
      usage?.cacheCreationInputTokens ?? Number.NaN,
      usage?.outputTokens ?? Number.NaN,
      outcome.cost ?? Number.NaN,
      outcome.realtimeCost ?? Number.NaN,
      outcome.batchCost ?? Number.NaN,
      outcome.flexCost ?? Number.NaN,
    );
  }

  get count(): number {
    return this.lines.length;
  }
}

/**
 * Whether the chunk's queued requests are, in this transaction, the harvest's successes (each
 * with one try fewer than its results line says) and its unanswered lines (with their tries):
 * compared by count and sums in one aggregate, instead of reading every row back.
 */
async function queuedAsHarvested(
  executor: SqlExecutor,
  chunkId: string,
  successes: BatchSuccesses,
  unanswered: ReadonlyMap<number, { attempts: number }>,
): Promise<boolean> {
  let lines = 0;
  let attempts = 0;
  for (let index = 0; index < successes.count; index++) {
    lines += successes.lines[index]!;
    attempts += successes.attempts[index]! - 1;
  }
  for (const [line, request] of unanswered) {
    lines += line;
    attempts += request.attempts;
  }
  const row = await executor.get<{ count: number; lines: number | null; attempts: number | null }>(
    "SELECT COUNT(*) AS count, SUM(line) AS lines, SUM(attempts) AS attempts FROM requests WHERE chunk_id = ? AND state = 'queued'",
    [chunkId],
  );
  return (
    Number(row?.count ?? 0) === successes.count + unanswered.size &&
    Number(row?.lines ?? 0) === lines &&
    Number(row?.attempts ?? 0) === attempts
  );
}

/**
 * Ends a chunk's succeeded requests, whose results lines are in the chunk's results file (synced
 * before this runs), and sends its other still-queued requests (those the batch gave no result
 * for) back to `pending`, or ends them in `leftover` when given. Run after the chunk's other
 * outcomes were applied, in the same transaction.
 *
 * The succeeded requests move in one set-based update: no statement per request. The chunk's
 * queued requests are first checked to be exactly the harvest's successes and `unanswered` (the
 * lines it got no result for, with their tries), each with the tries the harvest wrote into its
 * line. Where they are not, each request is looked at: a success whose request is no longer
 * queued (applied already) takes no effect, and one queued with other tries than its line says
 * goes back to be tried again. Every success that takes effect writes its ledger row. Returns how
 * many did.
 */
export async function applyBatchSuccesses(
  executor: SqlExecutor,
  context: LedgerContext & { chunkId: string; providerBatchId: string },
  successes: BatchSuccesses,
  unanswered: ReadonlyMap<number, { attempts: number }>,
  leftover: RequestState | null,
): Promise<number> {
  let taking: number[];
  let notTaken: Iterable<number>;
  if (await queuedAsHarvested(executor, context.chunkId, successes, unanswered)) {
    taking = successes.lines.map((_, index) => index);
    notTaken = unanswered.keys();
  } else {
    // Not what the harvest read (a bug, or a result applied already): request by request.
    const queued = new Map<number, number>();
    const rows = await executor.all<{ line: number; attempts: number }>(
      "SELECT line, attempts FROM requests WHERE chunk_id = ? AND state = 'queued'",
      [context.chunkId],
    );
    for (const row of rows) queued.set(Number(row.line), Number(row.attempts));
    taking = [];
    for (let index = 0; index < successes.count; index++) {
      const line = successes.lines[index]!;
      if (queued.get(line) === successes.attempts[index]! - 1) {
        taking.push(index);
        queued.delete(line);
      }
    }
    notTaken = queued.keys();
  }
  // What stays queued is not a success to take: out of the way first, one request at a time (an
  // expired batch's unfinished lines, a retry's mismatch; none in a batch that completed).
  for (const line of notTaken) {
    await (leftover === null
      ? executor.run(
          "UPDATE requests SET state = 'pending', chunk_id = NULL WHERE job_id = ? AND line = ? AND chunk_id = ? AND state = 'queued'",
          [context.jobId, line, context.chunkId],
        )
      : executor.run(
          "UPDATE requests SET state = ?, finished_at = ? WHERE job_id = ? AND line = ? AND chunk_id = ? AND state = 'queued'",
          [leftover, context.now, context.jobId, line, context.chunkId],
        ));
  }
  if (taking.length === 0) return 0;
  const changed = await executor.run(
    `UPDATE requests SET state = 'succeeded', attempts = attempts + 1, lane = 'batch', result_in_file = 1,
       finished_at = ?
     WHERE job_id = ? AND chunk_id = ? AND state = 'queued'`,
    [context.now, context.jobId, context.chunkId],
  );
  if (changed !== taking.length) {
    // Nothing else writes a job's requests while its runner holds the lease and this transaction
    // is open, so this is a bug, not a race: stop before a wrong result is committed.
    throw new Error(
      `chunk ${context.chunkId}: ${changed} queued requests changed where ${taking.length} succeeded`,
    );
  }
  const ledgerRows: SqlValue[] = [];
  const attemptRows: SqlValue[] = [];
  const figures = successes.figures;
  const known = (value: number) => (Number.isNaN(value) ? null : value);
  for (const index of taking) {
    const at = index * 8;
    // As applyOutcomes does: the history of tries is kept for requests that needed more than one.
    if (successes.attempts[index]! > 1) {
      attemptRows.push(
        context.jobId,
        successes.lines[index]!,
        successes.attempts[index]!,
        context.chunkId,
        context.providerBatchId,
        'batch',
        'succeeded',
        successes.statusCodes[index]!,
        null,
        context.now,
      );
    }
    // No usage, no ledger row (as for any success without usage).
    if (Number.isNaN(figures[at]!)) continue;
    const line = successes.lines[index]!;
    ledgerRows.push(
      `${context.jobId}:${line}:${successes.attempts[index]!}`,
      context.jobId,
      line,
      context.workload,
      null,
      context.provider,
      context.model,
      context.endpoint,
      'batch',
      figures[at]!,
      figures[at + 1]!,
      figures[at + 2]!,
      figures[at + 3]!,
      known(figures[at + 4]!),
      known(figures[at + 5]!),
      known(figures[at + 6]!),
      known(figures[at + 7]!),
      0,
      context.now,
    );
  }
  await insertRows(executor, attemptsInsert, 10, attemptRows);
  await insertRows(executor, ledgerInsert, 19, ledgerRows);
  return taking.length;
}
