import { drawFor } from '../core/random.js';
import type { BatchFaults } from './options.js';

/**
 * Seeded batch faults, shared by both providers' batch emulations. Every draw is keyed by the seed, the batch's creation number and (for
 * lines) the custom_id, so a run replays exactly, and a line retried in a new batch draws anew.
 */

export interface BatchFaultPlan {
  /** Runs past its window and ends `expired` with part of its lines done. */
  expire: boolean;
  /** Fails validation as a whole. */
  failValidation: boolean;
  /** Takes `longRunFactor` times longer than usual. */
  runLong: boolean;
}

export function planBatchFaults(faults: BatchFaults, seed: number, batchNumber: number): BatchFaultPlan {
  const draw = (kind: string) => drawFor(`batch-faults:${seed}:${batchNumber}:${kind}`);
  return {
    expire: faults.expireBatchNumbers.includes(batchNumber) || draw('expire') < faults.expire,
    failValidation: draw('failValidation') < faults.failValidation,
    runLong: draw('runLong') < faults.runLong,
  };
}

export type LineFault = 'retryable' | 'invalid' | null;

export function lineFault(
  faults: BatchFaults,
  seed: number,
  batchNumber: number,
  customId: string,
): LineFault {
  if (faults.lineRetryable <= 0 && faults.lineInvalid <= 0) return null;
  // One draw per line split in two ranges, so a line meets at most one fault.
  const draw = drawFor(`line-fault:${seed}:${batchNumber}:${customId}`);
  if (draw < faults.lineRetryable) return 'retryable';
  if (draw < faults.lineRetryable + faults.lineInvalid) return 'invalid';
  return null;
}
