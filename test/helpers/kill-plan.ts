import type { RandomSource } from '../../src/core/random.js';

/**
 * Where a runner is killed. Each point waits for a moment of the run, seen in the store (which the
 * runner writes) or in the emulator (which the runner talks to), then sends SIGKILL:
 * - `ingest`: the input is being read into the store (more lines committed than when it started);
 * - `upload`: `delayMs` after an input file upload reached the emulator (mid-upload or just after);
 * - `after-create`: the instant the emulator created a provider batch, before the runner can have
 *   received, let alone stored, its id (the case exactly-once submission exists for);
 * - `polling`: `delayMs` after the store shows a batch at the provider;
 * - `harvest`: `delayMs` after the runner started downloading a batch's results;
 * - `mid-harvest`: a batch's results file is being written, or is written and synced but not yet
 *   committed (its files are in the job's folder while the store shows the chunk submitted);
 * - `finishing`: the job is complete in the store but the runner has not exited (results.jsonl
 *   may not be written yet);
 * - `random`: `delayMs` after the runner started, wherever it is.
 */
export type KillPoint =
  | { at: 'ingest' }
  | { at: 'upload'; delayMs: number }
  | { at: 'after-create'; provider: 'openai' | 'anthropic' | 'any' }
  | { at: 'polling'; delayMs: number }
  | { at: 'harvest'; delayMs: number }
  | { at: 'mid-harvest' }
  | { at: 'finishing' }
  | { at: 'random'; delayMs: number };

/** The crash test's kills, in order, with seeded delays so a failing run can be replayed exactly. */
export function crashKillPlan(random: RandomSource): KillPoint[] {
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  return [
    { at: 'ingest' },
    { at: 'ingest' },
    { at: 'upload', delayMs: between(5, 60) },
    { at: 'after-create', provider: 'openai' },
    { at: 'random', delayMs: between(300, 4000) },
    { at: 'after-create', provider: 'anthropic' },
    { at: 'harvest', delayMs: between(10, 250) },
    { at: 'polling', delayMs: between(300, 1500) },
    { at: 'random', delayMs: between(300, 4000) },
    { at: 'mid-harvest' },
    { at: 'after-create', provider: 'any' },
    { at: 'random', delayMs: between(300, 4000) },
    { at: 'finishing' },
  ];
}

export function describeKillPoint(point: KillPoint): string {
  switch (point.at) {
    case 'ingest':
      return 'during ingest';
    case 'mid-harvest':
      return 'with a batch half harvested';
    case 'finishing':
      return 'after the job completed, before the runner exited';
    case 'after-create':
      return `right after a ${point.provider === 'any' ? '' : `${point.provider} `}batch create`;
    default:
      return `${point.delayMs} ms into ${point.at === 'random' ? 'the run' : point.at}`;
  }
}
