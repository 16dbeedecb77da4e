import { basename, resolve } from 'node:path';
import { defaultDeadlineMs } from '../../batch/job-options.js';
import { describeProgress, type JobProgress, progressBar } from '../../batch/progress.js';
import { runJob } from '../../batch/run-job.js';
import { parseDuration } from '../../core/durations.js';
import { ConfigError } from '../../core/errors.js';
import { policyForJob } from '../../policy/job-policy.js';
import { loadPolicyFor } from '../../policy/load-policy.js';
import { openStore } from '../../store/open-store.js';
import { setUpProviders } from '../provider-setup.js';
import { printSummary } from '../summary.js';
import type { RunFlags } from './run.js';

/** `spendwall run`: loaded only when the command runs (see run.ts). */
export async function runCommand(input: string, flags: RunFlags): Promise<void> {
  const maxAttempts = parsePositiveInteger(flags.maxAttempts, '--max-attempts');
  const workload = flags.workload ?? basename(resolve(input)).replace(/\.[^.]+$/, '');
  // The policy speaks first: an interactive workload is refused before anything is read or sent.
  const policy = await loadPolicyFor(flags.config);
  const jobPolicy = policyForJob(policy, workload);
  if (jobPolicy.note && !flags.json && !flags.deadline) console.error(`spendwall: note: ${jobPolicy.note}`);
  const deadlineMs = flags.deadline ? parseDuration(flags.deadline, '--deadline') : jobPolicy.deadlineMs;
  const fallbackWindowMs = flags.fallbackWindow
    ? parseDuration(flags.fallbackWindow, '--fallback-window')
    : undefined;
  const fallbackConcurrency = flags.fallbackConcurrency
    ? parsePositiveInteger(flags.fallbackConcurrency, '--fallback-concurrency')
    : undefined;
  if (
    fallbackWindowMs !== undefined &&
    fallbackWindowMs >= (deadlineMs ?? defaultDeadlineMs) &&
    !flags.json
  ) {
    console.error(
      'spendwall: note: --fallback-window is as long as the deadline: the batch lane is skipped and every request runs on the realtime lane',
    );
  }
  const setup = await setUpProviders({ emulator: flags.emulator ?? false, required: true });
  const store = await openStore({ databaseUrl: flags.database });
  const interactive = process.stderr.isTTY && !process.env['CI'];
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!flags.json) console.error(`spendwall: running on ${setup.describe()}; state in ${store.location}`);
    const summary = await runJob(
      {
        inputPath: input,
        outputPath: flags.output ?? `${input.replace(/\.jsonl$/, '')}.results.jsonl`,
        ...(flags.rejects ? { rejectsPath: flags.rejects } : {}),
        workload,
        ...(flags.provider ? { provider: flags.provider } : {}),
        ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
        onDeadline: flags.onDeadline,
        maxAttempts,
        strict: flags.strict ?? false,
      },
      {
        store,
        providers: setup.providers,
        prices: policy.priceBook,
        signal: stop.signal,
        settings: {
          ...(flags.pollInterval
            ? { pollInitialMs: parseDuration(flags.pollInterval, '--poll-interval') }
            : {}),
          ...(setup.emulator ? { pollInitialMs: 200, pollMaxMs: 1000, submitGraceMs: 200 } : {}),
          enqueuedTokenLimits: parseTokenLimits(flags.tokenLimit),
          ...(fallbackWindowMs === undefined ? {} : { deadlineReserveMs: fallbackWindowMs }),
          ...(fallbackConcurrency === undefined ? {} : { realtimeConcurrency: fallbackConcurrency }),
          ...(flags.batchSize
            ? { chunkMaxRequests: parsePositiveInteger(flags.batchSize, '--batch-size') }
            : {}),
          progressIntervalMs: interactive ? 250 : 10_000,
        },
        onProgress: flags.json ? undefined : progressPrinter(interactive),
      },
    );
    if (interactive && !flags.json) process.stderr.write('\n');
    printSummary(summary, flags.json ?? false);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
    await setup.close();
  }
}

/** A bar redrawn in place on a terminal; a plain line every few seconds elsewhere (logs, CI). */
function progressPrinter(interactive: boolean): (progress: JobProgress) => void {
  return (progress) => {
    if (interactive) {
      const line = progressBar(progress);
      const width = process.stderr.columns ?? 120;
      process.stderr.write(`\r${line.slice(0, width - 1).padEnd(width - 1)}`);
    } else {
      process.stderr.write(`${new Date().toISOString()} ${progress.jobId} ${describeProgress(progress)}\n`);
    }
  };
}

function parseTokenLimits(entries: string[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of entries) {
    const match = /^(.+)=(\d+)$/.exec(entry);
    if (!match) throw new ConfigError(`expected model=tokens, got '${entry}'`, { place: '--token-limit' });
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
}

function parsePositiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`expected a whole number of 1 or more, got '${text}'`, { place: flag });
  }
  return value;
}
