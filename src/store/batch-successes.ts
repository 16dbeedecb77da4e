import { attemptsInsert, type LedgerContext, ledgerInsert, type Outcome, RowInserter } from './outcomes.js';
import type { RequestState } from './requests.js';
import type { SqlExecutor } from './sql.js';

/**
 * A provider batch's succeeded requests, as the harvest gathers them: per request its input line,
 * the try it was, its status code, and its usage and costs (8 numbers: input, cached input,
 * cache-write input and output tokens, then the cost paid and at realtime, batch and flex prices;
 * NaN where unknown). Typed arrays sized to the batch at the start: a batch of 50,000 successes is
 * a few MB outside the JavaScript heap, not 50,000 objects or arrays grown (and copied) in it.
 */
export class BatchSuccesses {
  lines: Float64Array;
  attempts: Int32Array;
  /** -1 where the result had none. */
  statusCodes: Int32Array;
  figures: Float64Array;
  private size = 0;

  /** `capacity`: how many successes there can be (the requests waiting in the batch); more still fit. */
  constructor(capacity = 64) {
    this.lines = new Float64Array(capacity);
    this.attempts = new Int32Array(capacity);
    this.statusCodes = new Int32Array(capacity);
    this.figures = new Float64Array(capacity * 8);
  }

  add(outcome: Outcome, attempt: number): void {
    if (this.size === this.lines.length) this.grow();
    const usage = outcome.usage;
    const index = this.size++;
    this.lines[index] = outcome.line;
    this.attempts[index] = attempt;
    this.statusCodes[index] = outcome.statusCode ?? -1;
    const figures = this.figures;
    const at = index * 8;
    figures[at] = usage?.inputTokens ?? Number.NaN;
    figures[at + 1] = usage?.cachedInputTokens ?? Number.NaN;
    figures[at + 2] = usage?.cacheCreationInputTokens ?? Number.NaN;
    figures[at + 3] = usage?.outputTokens ?? Number.NaN;
    figures[at + 4] = outcome.cost ?? Number.NaN;
    figures[at + 5] = outcome.realtimeCost ?? Number.NaN;
    figures[at + 6] = outcome.batchCost ?? Number.NaN;
    figures[at + 7] = outcome.flexCost ?? Number.NaN;
  }

  get count(): number {
    return this.size;
  }

  private grow(): void {
    const capacity = Math.max(64, this.lines.length * 2);
    const lines = new Float64Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
    const attempts = new Int32Array(capacity);
    attempts.set(this.attempts);
    this.attempts = attempts;
    const statusCodes = new Int32Array(capacity);
    statusCodes.set(this.statusCodes);
    this.statusCodes = statusCodes;
    const figures = new Float64Array(capacity * 8);
    figures.set(this.figures);
    this.figures = figures;
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
    taking = Array.from({ length: successes.count }, (_, index) => index);
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
  const ledgerRows = new RowInserter(executor, ledgerInsert, 19);
  const attemptRows = new RowInserter(executor, attemptsInsert, 10);
  const figures = successes.figures;
  const known = (value: number) => (Number.isNaN(value) ? null : value);
  for (const index of taking) {
    const at = index * 8;
    // As applyOutcomes does: the history of tries is kept for requests that needed more than one.
    if (successes.attempts[index]! > 1) {
      await attemptRows.add([
        context.jobId,
        successes.lines[index]!,
        successes.attempts[index]!,
        context.chunkId,
        context.providerBatchId,
        'batch',
        'succeeded',
        successes.statusCodes[index] === -1 ? null : successes.statusCodes[index]!,
        null,
        context.now,
      ]);
    }
    // No usage, no ledger row (as for any success without usage).
    if (Number.isNaN(figures[at]!)) continue;
    const line = successes.lines[index]!;
    await ledgerRows.add([
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
    ]);
  }
  await attemptRows.finish();
  await ledgerRows.finish();
  return taking.length;
}
