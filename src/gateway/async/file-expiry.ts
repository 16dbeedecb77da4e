import { rm } from 'node:fs/promises';
import type { SqlDriver } from '../../store/sql.js';
import { expiredFiles, markExpiredFileDeleted } from './file-records.js';

/**
 * Removes expired files: each is marked deleted first (so every route has stopped showing it, and
 * of several gateway processes sweeping one database only one claims it), then its bytes are
 * removed from disk. The routes already hide an expired file before its sweep. A file that is the
 * input of a batch that has not ended is kept (and shown) until that batch ends: the runner reads
 * it again after a restart.
 */
export interface FileSweeper {
  /** One pass: removes every file expired by now; resolves to how many. */
  sweep(): Promise<number>;
  /** Sweeps now, then every `intervalMs` on a timer that does not keep the process alive. */
  start(): void;
  /** Stops the timer and waits for a pass in flight. */
  close(): Promise<void>;
}

export interface FileSweeperOptions {
  driver: SqlDriver;
  now?: () => number;
  /** Default: every 10 minutes. */
  intervalMs?: number;
  /** Where a failed pass, or bytes that could not be removed, are reported; default: stderr. */
  onError?: (error: unknown) => void;
}

export const defaultSweepIntervalMs = 10 * 60_000;

/** Files claimed per query, so a pass over a large backlog never holds them all in memory. */
const pageSize = 500;

export function createFileSweeper(options: FileSweeperOptions): FileSweeper {
  const now = options.now ?? Date.now;
  const onError =
    options.onError ??
    ((error: unknown) => console.error(`spendwall file sweep: ${(error as Error).message}`));
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;

  const pass = async (): Promise<number> => {
    const at = now();
    let removed = 0;
    for (;;) {
      const page = await expiredFiles(options.driver, at, pageSize);
      for (const file of page) {
        // State before the side effect: a crash between the two leaves stray bytes, never a
        // listed file without its content.
        if (!(await markExpiredFileDeleted(options.driver, file.id, at))) continue;
        removed++;
        await rm(file.path, { force: true }).catch(onError);
      }
      // Every file of a page leaves the query (deleted here or by another process).
      if (page.length < pageSize) return removed;
    }
  };

  const sweep = (): Promise<number> => {
    const previous = inFlight ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(pass);
    inFlight = next;
    const clear = () => {
      if (inFlight === next) inFlight = undefined;
    };
    next.then(clear, clear);
    return next;
  };

  const tick = () => {
    // A pass still running (a large backlog) is not queued behind by the timer.
    if (inFlight) return;
    sweep().catch(onError);
  };

  return {
    sweep,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, options.intervalMs ?? defaultSweepIntervalMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      await inFlight?.catch(() => undefined);
    },
  };
}
