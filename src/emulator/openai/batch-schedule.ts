import type { ResolvedEmulatorOptions } from '../options.js';
import type { BatchFaultPlan } from './batch-faults.js';

/**
 * When the lines of an in-progress batch finish, on emulated time. Lines finish one after another
 * at an even pace, so `request_counts` grow while a batch runs and a cancel or an expiry keeps a
 * predictable share of them.
 */
export interface BatchSchedule {
  /** When processing stops: every line is done (finalizing begins) or the window closed. */
  endAt: number;
  outcome: 'finalizing' | 'expired';
  /** How many lines, in processing order, are done by `at` (emulated epoch ms). */
  doneBy(at: number): number;
}

export interface ScheduleInput {
  /** `in_progress_at`, emulated epoch ms. */
  startAt: number;
  /** `expires_at`, emulated epoch ms. */
  expiresAt: number;
  lineCount: number;
  /** Every phase takes no time (`clock.instant`). */
  instant: boolean;
  faults: BatchFaultPlan;
  options: Pick<ResolvedEmulatorOptions, 'timing'> & {
    faults: { batches: { expireFinishedFraction: number; longRunFactor: number } };
  };
}

export function planSchedule(input: ScheduleInput): BatchSchedule {
  const { startAt, expiresAt, lineCount, instant, faults } = input;
  const { timing } = input.options;
  const batchFaults = input.options.faults.batches;

  if (faults.expire) {
    // The window closes with exactly this many lines done, spread evenly before it.
    const finished = Math.floor(batchFaults.expireFinishedFraction * lineCount);
    const deadline = instant ? startAt : Math.max(startAt, expiresAt);
    return {
      endAt: deadline,
      outcome: 'expired',
      doneBy: evenPace(startAt, deadline - startAt, finished, 1),
    };
  }

  const seconds = Math.max(timing.minProcessingSeconds, lineCount * timing.secondsPerRequest);
  const duration = instant ? 0 : seconds * 1000 * (faults.runLong ? batchFaults.longRunFactor : 1);
  const doneBy = evenPace(startAt, duration, lineCount, 0);
  if (!instant && startAt + duration > expiresAt) {
    // Too slow for the window: whatever is done when it closes is kept, the rest expires.
    return { endAt: expiresAt, outcome: 'expired', doneBy: (at) => doneBy(Math.min(at, expiresAt)) };
  }
  return { endAt: startAt + duration, outcome: 'finalizing', doneBy };
}

/**
 * `count` lines over `span` ms from `start`: line k is done at start + span * (k + 1) / (count + gaps).
 * With `gaps` 1 the last line finishes strictly before the end of the span.
 */
function evenPace(start: number, span: number, count: number, gaps: number): (at: number) => number {
  return (at) => {
    if (at < start) return 0;
    if (span <= 0) return count;
    return Math.min(count, Math.floor(((at - start) * (count + gaps)) / span));
  };
}
