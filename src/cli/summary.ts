import type { JobSummary } from '../batch/run-job.js';
import { formatUsd } from '../prices/index.js';

/** The end-of-run summary: counts, cost paid, cost at real-time prices, savings. */
export function printSummary(summary: JobSummary, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const requests = summary.requests;
  const failed = requests.failed_invalid + requests.failed_retryable + requests.expired;
  const lines = [
    `job ${summary.jobId} ${summary.state}${summary.resumed ? ' (resumed)' : ''}`,
    `  requests   ${summary.accepted.toLocaleString('en-US')} accepted, ${summary.rejected.toLocaleString('en-US')} rejected`,
    `  results    ${requests.succeeded.toLocaleString('en-US')} succeeded, ${failed.toLocaleString('en-US')} failed` +
      (requests.cancelled ? `, ${requests.cancelled.toLocaleString('en-US')} cancelled` : ''),
    `  cost       ${formatUsd(summary.costNanoUsd)} paid · ${formatUsd(summary.realtimeCostNanoUsd)} at real-time prices`,
    `  saved      ${formatUsd(summary.savingsNanoUsd)}` +
      (summary.realtimeCostNanoUsd > 0
        ? ` (${Math.round((summary.savingsNanoUsd / summary.realtimeCostNanoUsd) * 100)}%)`
        : ''),
  ];
  if (summary.deadlineFallbacks)
    lines.push(`  deadline   ${summary.deadlineFallbacks} requests ran on the realtime lane`);
  if (summary.unpriced)
    lines.push(`  unpriced   ${summary.unpriced} results of models without a known price (not in the sums)`);
  if (summary.outputPath) lines.push(`  results    ${summary.outputPath}`);
  if (summary.rejectsPath) lines.push(`  rejects    ${summary.rejectsPath}`);
  console.log(lines.join('\n'));
}
