import type { SqlDriver, SqlValue } from '../store/sql.js';
import { valuesPlaceholders } from '../store/sql.js';

/** One executed request, as the `ledger` table holds it (money in nano-USD, null when unknown). */
export interface LedgerRow {
  id: string;
  requestId: string;
  workload: string;
  urgency: string;
  team: string | null;
  provider: string;
  model: string;
  endpoint: string;
  lane: string;
  inputTokens: number;
  cachedInputTokens: number;
  cacheCreationInputTokens: number;
  outputTokens: number;
  costNanoUsd: number | null;
  realtimeCostNanoUsd: number | null;
  batchCostNanoUsd: number | null;
  flexCostNanoUsd: number | null;
  /** Flex was refused or too slow and the request ran realtime to keep its deadline. */
  deadlineFallback: boolean;
  createdAt: number;
}

const columns = [
  'id',
  'request_id',
  'workload',
  'urgency',
  'team',
  'provider',
  'model',
  'endpoint',
  'lane',
  'input_tokens',
  'cached_input_tokens',
  'cache_creation_input_tokens',
  'output_tokens',
  'cost_nanousd',
  'realtime_cost_nanousd',
  'batch_cost_nanousd',
  'flex_cost_nanousd',
  'deadline_fallback',
  'created_at',
];

const insertTexts = new Map<number, string>();
function insertText(rows: number): string {
  let text = insertTexts.get(rows);
  if (!text) {
    text = `INSERT INTO ledger (${columns.join(', ')}) VALUES ${valuesPlaceholders(rows, columns.length)}`;
    insertTexts.set(rows, text);
  }
  return text;
}

/** Appends the row's values, in `columns` order, to the statement's parameters. */
function pushValues(into: SqlValue[], row: LedgerRow): void {
  into.push(
    row.id,
    row.requestId,
    row.workload,
    row.urgency,
    row.team,
    row.provider,
    row.model,
    row.endpoint,
    row.lane,
    row.inputTokens,
    row.cachedInputTokens,
    row.cacheCreationInputTokens,
    row.outputTokens,
    row.costNanoUsd,
    row.realtimeCostNanoUsd,
    row.batchCostNanoUsd,
    row.flexCostNanoUsd,
    row.deadlineFallback ? 1 : 0,
    row.createdAt,
  );
}

export interface LedgerWriter {
  /** Queues a row; it is written within `flushIntervalMs`, or at once when `batchSize` are waiting. */
  add(row: LedgerRow): void;
  /** Writes every queued row now. */
  flush(): Promise<void>;
  /** Rows queued and not yet written. */
  readonly pending: number;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

export interface LedgerWriterOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** Called when a flush fails; the rows are kept and tried again on the next flush. */
  onError?: (error: unknown, rows: number) => void;
}

/**
 * Writes ledger rows off the hot path: a request only pushes its row into memory; rows are
 * inserted in one transaction every ~100 ms or every 500 rows, and on shutdown. A crash can lose
 * at most the last interval's rows, the price of not putting a database write in every answer.
 */
export function createLedgerWriter(driver: SqlDriver, options: LedgerWriterOptions = {}): LedgerWriter {
  const interval = options.flushIntervalMs ?? 100;
  const batchSize = options.batchSize ?? 500;
  let queue: LedgerRow[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const write = async (rows: LedgerRow[]) => {
    try {
      await driver.transaction(async (executor) => {
        // Statements of 256, 128, … 1 rows: a flush of any size takes at most nine statements of
        // nine fixed texts, so the driver's prepared-statement cache stays small (one text per
        // row count would prepare a new statement for almost every flush).
        let start = 0;
        for (let size = 256; size >= 1; size /= 2) {
          while (rows.length - start >= size) {
            const parameters: SqlValue[] = [];
            for (let index = start; index < start + size; index++) pushValues(parameters, rows[index]!);
            await executor.run(insertText(size), parameters);
            start += size;
          }
        }
      });
    } catch (error) {
      queue = rows.concat(queue);
      options.onError?.(error, rows.length);
    }
  };

  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return writing;
    const rows = queue;
    queue = [];
    writing = writing.then(() => write(rows));
    return writing;
  };

  return {
    add(row) {
      queue.push(row);
      if (queue.length >= batchSize) void flush();
      else if (!timer && !closed) {
        timer = setTimeout(() => void flush(), interval);
        timer.unref();
      }
    },
    flush,
    get pending() {
      return queue.length;
    },
    async close() {
      closed = true;
      await flush();
    },
  };
}
