import type { Emulator } from '../../src/emulator/index.js';
import type { SqlExecutor } from '../../src/store/sql.js';
import type { CliExit, CliProcess } from './cli.js';
import { watchEmulator } from './emulator-watch.js';
import { describeKillPoint, type KillPoint } from './kill-plan.js';
import { type StoreSnapshot, snapshotStore } from './store-watch.js';

export type RunPhase = 'ingest' | 'submission' | 'polling' | 'harvest' | 'finishing';

export interface KillRecord {
  point: KillPoint;
  /** `fallback`: the moment never came within the time allowed, so the runner was killed anyway. */
  fired: 'trigger' | 'fallback';
  /** Milliseconds from the runner's start to the kill. */
  afterMs: number;
  /** The store as the killed runner left it. */
  left: StoreSnapshot;
  /** What the runner was doing when it died, from the kill point and the store it left. */
  phases: RunPhase[];
}

export interface KillRunOptions {
  plan: readonly KillPoint[];
  /** Starts the runner: the same command every time. */
  start: () => CliProcess;
  emulator: Emulator;
  store: SqlExecutor;
  /** How long a kill point may wait for its moment before killing anyway. */
  triggerTimeoutMs: number;
  /** The same for `finishing`, which waits for the whole job. */
  finishTimeoutMs: number;
}

/**
 * Starts the runner, kills it with SIGKILL at each point of the plan, restarting it with the same
 * command each time. Stops early (and says so) if a runner finishes the job before its kill; a
 * runner that exits on its own with an error fails the test with its output.
 */
export async function runWithKills(
  options: KillRunOptions,
): Promise<{ kills: KillRecord[]; finished: CliExit | null }> {
  const kills: KillRecord[] = [];
  for (const point of options.plan) {
    const before = await snapshotStore(options.store, { harvest: false });
    const run = options.start();
    const result = await killAt(point, run, before, options);
    const exit = await run.exited;
    if ('exit' in result) {
      if (exit.code !== 0) {
        throw new Error(
          `the runner exited with ${exit.code ?? exit.signal} before its kill (${describeKillPoint(point)})\n` +
            `${exit.stdout}\n${exit.stderr}`,
        );
      }
      return { kills, finished: exit };
    }
    const left = await snapshotStore(options.store);
    kills.push({
      point,
      fired: result.fired,
      afterMs: result.afterMs,
      left,
      phases: phasesOf(point, left),
    });
  }
  return { kills, finished: null };
}

function phasesOf(point: KillPoint, left: StoreSnapshot): RunPhase[] {
  const phases = new Set<RunPhase>();
  if (left.job && !left.job.ingestDone) phases.add('ingest');
  if (point.at === 'upload' || point.at === 'after-create' || (left.chunks.submitting ?? 0) > 0)
    phases.add('submission');
  if (left.job?.ingestDone && (left.chunks.submitted ?? 0) > 0) phases.add('polling');
  if (point.at === 'harvest' || left.partlyHarvested > 0) phases.add('harvest');
  if (left.job?.state === 'completed') phases.add('finishing');
  return [...phases];
}

type KillResult = { fired: KillRecord['fired']; afterMs: number } | { exit: true };

function killAt(point: KillPoint, run: CliProcess, before: StoreSnapshot, options: KillRunOptions) {
  const startedAt = Date.now();
  return new Promise<KillResult>((resolve) => {
    let settled = false;
    const cleanups: Array<() => void> = [];
    const settle = (result: KillResult) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      resolve(result);
    };
    const kill = (fired: KillRecord['fired']) => {
      if (settled) return;
      run.child.kill('SIGKILL');
      settle({ fired, afterMs: Date.now() - startedAt });
    };
    const after = (milliseconds: number) => {
      const timer = setTimeout(() => kill('trigger'), milliseconds);
      cleanups.push(() => clearTimeout(timer));
    };
    // Polled often enough to catch an ingest commit or a harvest flush, cheap enough not to starve
    // the runner (this process also serves the emulator).
    const whenStore = (condition: (snapshot: StoreSnapshot) => boolean, then: () => void) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        snapshotStore(options.store, { harvest: point.at === 'mid-harvest' })
          .then((snapshot) => {
            if (!settled && condition(snapshot)) {
              clearInterval(timer);
              then();
            }
          })
          .catch(() => undefined)
          .finally(() => {
            busy = false;
          });
      }, 10);
      cleanups.push(() => clearInterval(timer));
    };
    void run.exited.then(() => settle({ exit: true }));
    const fallback = setTimeout(
      () => kill('fallback'),
      point.at === 'finishing' ? options.finishTimeoutMs : options.triggerTimeoutMs,
    );
    cleanups.push(() => clearTimeout(fallback));

    switch (point.at) {
      case 'random':
        after(point.delayMs);
        break;
      case 'ingest':
        // More lines committed than when this runner started, and the input not finished.
        whenStore(
          (now) =>
            now.job !== null && !now.job.ingestDone && now.job.ingestLine > (before.job?.ingestLine ?? 0),
          () => kill('trigger'),
        );
        break;
      case 'mid-harvest':
        whenStore(
          (now) => now.partlyHarvested > 0,
          () => kill('trigger'),
        );
        break;
      case 'finishing':
        whenStore(
          (now) => now.job?.state === 'completed',
          () => kill('trigger'),
        );
        break;
      case 'polling':
        whenStore(
          (now) => now.job?.ingestDone === true && (now.chunks.submitted ?? 0) > 0,
          () => after(point.delayMs),
        );
        break;
      case 'upload':
      case 'harvest':
      case 'after-create': {
        let armed = true;
        const unwatch = watchEmulator(options.emulator, (event) => {
          if (!armed) return;
          if (point.at === 'after-create') {
            if (event.kind !== 'batch-created') return;
            if (point.provider !== 'any' && event.batch.provider !== point.provider) return;
            armed = false;
            // Synchronously, inside the emulator's handler: the answer with the id is never sent.
            kill('trigger');
            return;
          }
          if (event.kind !== 'request') return;
          const routes =
            point.at === 'upload'
              ? ['POST /v1/files']
              : ['GET /v1/files/:id/content', 'GET /v1/messages/batches/:id/results'];
          if (!routes.includes(event.route)) return;
          armed = false;
          after(point.delayMs);
        });
        cleanups.push(unwatch);
        break;
      }
    }
  });
}
