import { formatDuration } from '../core/durations.js';
import { formatUsd } from '../prices/index.js';
import { chunkStateCounts } from '../store/chunks.js';
import { ledgerTotals } from '../store/outcomes.js';
import { countRequestStates, type RequestState } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';

/** Where a job stands, for the progress bar, log lines and `spendwall status`. */
export interface JobProgress {
  jobId: string;
  workload: string;
  phase: 'ingesting' | 'running' | 'cancelling' | 'deadline fallback' | 'writing results' | 'done';
  accepted: number;
  rejected: number;
  requests: Record<RequestState, number>;
  /** Provider batches by their provider status (`in_progress`, `completed`, …) or Spendwall's state. */
  batches: Record<string, number>;
  costNanoUsd: number;
  realtimeCostNanoUsd: number;
  /** Requests whose price is unknown; their cost is not in the sums. */
  unpriced: number;
  elapsedMs: number;
  etaMs: number | null;
}

export async function readProgress(
  driver: SqlDriver,
  job: { id: string; workload: string; accepted: number; rejected: number; createdAt: number },
  phase: JobProgress['phase'],
  now: number,
  startedAt: number,
  doneAtStart: number,
): Promise<JobProgress> {
  const requests = await countRequestStates(driver, job.id);
  const batches: Record<string, number> = {};
  for (const row of await chunkStateCounts(driver, job.id)) {
    const label = row.state === 'submitted' ? (row.provider_status ?? 'submitted') : row.state;
    batches[label] = (batches[label] ?? 0) + Number(row.count);
  }
  // From the ledger: a batch's succeeded requests keep their costs there and in their results
  // file, not in their rows.
  const costs = await ledgerTotals(driver, job.id);
  const finished = finishedCount(requests);
  const total = Object.values(requests).reduce((sum, count) => sum + count, 0);
  const elapsed = now - startedAt;
  const doneThisRun = finished - doneAtStart;
  const etaMs = doneThisRun > 0 && total > finished ? ((total - finished) * elapsed) / doneThisRun : null;
  return {
    jobId: job.id,
    workload: job.workload,
    phase,
    accepted: job.accepted,
    rejected: job.rejected,
    requests,
    batches,
    costNanoUsd: costs.costNanoUsd,
    realtimeCostNanoUsd: costs.realtimeCostNanoUsd,
    unpriced: costs.unpriced,
    elapsedMs: now - job.createdAt,
    etaMs,
  };
}

export function finishedCount(requests: Record<RequestState, number>): number {
  return (
    requests.succeeded +
    requests.failed_invalid +
    requests.failed_retryable +
    requests.expired +
    requests.cancelled
  );
}

export function failedCount(requests: Record<RequestState, number>): number {
  return requests.failed_invalid + requests.failed_retryable + requests.expired + requests.cancelled;
}

/** `12,400 / 20,000 done · 37 failed · 7,563 in flight · batches: in_progress 3, completed 2 · …` */
export function describeProgress(progress: JobProgress): string {
  const total = progress.accepted;
  const done = finishedCount(progress.requests);
  const inFlight = progress.requests.pending + progress.requests.queued;
  const batches = Object.entries(progress.batches)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
  const savings = progress.realtimeCostNanoUsd - progress.costNanoUsd;
  return [
    `${progress.phase}`,
    `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} done`,
    `${failedCount(progress.requests).toLocaleString('en-US')} failed`,
    `${inFlight.toLocaleString('en-US')} in flight`,
    `batches: ${batches || 'none yet'}`,
    `cost ${formatUsd(progress.costNanoUsd)}`,
    `saved ${formatUsd(savings)}`,
    `ETA ${progress.etaMs === null ? '—' : formatDuration(progress.etaMs)}`,
  ].join(' · ');
}

/** A one-line bar for a terminal: `[██████░░░░] 60% · …`. */
export function progressBar(progress: JobProgress, width = 24): string {
  const total = Math.max(1, progress.accepted);
  const fraction = Math.min(1, finishedCount(progress.requests) / total);
  const filled = Math.round(fraction * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% · ${describeProgress(progress)}`;
}
