import type { ProviderName } from '../providers/provider.js';

/** What a user asks of one bulk job (`spendwall run` flags, or the library call). */
export interface RunJobOptions {
  inputPath: string;
  /** results.jsonl: one line per accepted input line, in input order. */
  outputPath: string;
  /** Where bad lines are listed; default: next to the output, `<output>.rejects.jsonl`. */
  rejectsPath?: string;
  workload: string;
  /** Forces the provider of every line; otherwise each line's URL or shape decides. */
  provider?: ProviderName;
  /** The endpoint of bare request bodies, when their fields should not decide. */
  endpoint?: string;
  /** Time from the job's creation by which every request must have a result; default: the provider's window. */
  deadlineMs?: number;
  /** What happens to requests the batch lane cannot finish by the deadline. */
  onDeadline?: 'realtime' | 'fail';
  /** Tries per request across provider batches, first one included. */
  maxAttempts?: number;
  /** Stop at the first bad line instead of rejecting it and going on. */
  strict?: boolean;
  maxLineBytes?: number;
}

/** How the engine paces itself; defaults suit real providers, tests shorten them. */
export interface EngineSettings {
  /** First wait between polls of a provider batch, doubled up to `pollMaxMs`. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** Concurrent synchronous calls for deadline fallbacks. */
  realtimeConcurrency: number;
  /** Per-model enqueued-token limits (`model` or `provider:model`, `*` for any); absent means no limit. */
  enqueuedTokenLimits: Record<string, number>;
  /** Lower the providers' per-batch limits, e.g. to spread a job over more batches. */
  chunkMaxRequests?: number;
  chunkMaxBytes?: number;
  /** How long a runner's claim on a job lasts without renewal. */
  leaseTtlMs: number;
  progressIntervalMs: number;
  /**
   * Time kept in hand before the deadline for cancelling batches and running what is left
   * synchronously; fallback starts at `deadline − this`.
   */
  deadlineReserveMs: number;
  /** A create whose answer was lost may still land: wait this long before looking for it. */
  submitGraceMs: number;
}

export const defaultEngineSettings: EngineSettings = {
  pollInitialMs: 5_000,
  pollMaxMs: 60_000,
  realtimeConcurrency: 8,
  enqueuedTokenLimits: {},
  leaseTtlMs: 30_000,
  progressIntervalMs: 1_000,
  deadlineReserveMs: 15 * 60_000,
  submitGraceMs: 10_000,
};

export const defaultMaxAttempts = 3;

/** A job's deadline when none is given: the providers' batch window, 24 hours for both today. */
export const defaultDeadlineMs = 24 * 3_600_000;

/** The rejects file beside the results file: `results.jsonl` → `results.rejects.jsonl`. */
export function defaultRejectsPath(outputPath: string): string {
  return outputPath.replace(/(\.jsonl)?$/, '.rejects.jsonl');
}
