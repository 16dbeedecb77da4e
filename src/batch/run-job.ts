import { resolve } from 'node:path';
import { SpendwallError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { createPriceBook, type PriceBook } from '../prices/index.js';
import type { ProviderAdapterV1, ProviderName } from '../providers/provider.js';
import { chunksInStates, updateChunk } from '../store/chunks.js';
import { findOrCreateJob, getJob, type JobRecord, setJobState } from '../store/jobs.js';
import type { Store } from '../store/open-store.js';
import { endPendingRequests, ledgerTotals, releaseChunkRequests } from '../store/outcomes.js';
import { countRequestStates } from '../store/requests.js';
import { failPendingAtDeadline, runPendingRealtime } from './fallback.js';
import { jobFingerprint } from './fingerprint.js';
import { ingest } from './ingest.js';
import { filesOf, jobFolder } from './job-files.js';
import {
  defaultDeadlineMs,
  defaultEngineSettings,
  defaultMaxAttempts,
  defaultRejectsPath,
  type EngineSettings,
  type RunJobOptions,
} from './job-options.js';
import { JobLease } from './lease.js';
import { IngestPacker, packPending } from './pack.js';
import { pollChunk } from './poll.js';
import { finishedCount, type JobProgress, readProgress } from './progress.js';
import { submitChunk } from './submit.js';
import { writeRejects, writeResults } from './write-results.js';

export interface EngineDependencies {
  store: Store;
  /** The adapters lines may go to; a line whose provider has none is reported, not lost. */
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>;
  prices?: PriceBook;
  settings?: Partial<EngineSettings>;
  now?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
  onProgress?: (progress: JobProgress) => void;
  /** Stops the run between steps; the job stays resumable. */
  signal?: AbortSignal;
}

export interface JobSummary {
  jobId: string;
  state: JobRecord['state'];
  resumed: boolean;
  accepted: number;
  rejected: number;
  requests: Awaited<ReturnType<typeof countRequestStates>>;
  costNanoUsd: number;
  realtimeCostNanoUsd: number;
  savingsNanoUsd: number;
  unpriced: number;
  deadlineFallbacks: number;
  outputPath: string | null;
  rejectsPath: string | null;
}

/**
 * Runs (or resumes) a bulk job to its end: reads the input into the store, packs requests into
 * provider batches, submits each exactly once, polls, harvests results, retries what can be
 * retried, meets the deadline, and writes results.jsonl. The process may die at any point; the
 * same call on the same input resumes the same job.
 */
export async function runJob(options: RunJobOptions, dependencies: EngineDependencies): Promise<JobSummary> {
  const { job, created } = await openJob(options, dependencies.store, dependencies.now ?? Date.now);
  return driveJob(job, !created, dependencies);
}

/** Finds the job for these options and this input (creating it the first time). */
export async function openJob(
  options: RunJobOptions,
  store: Store,
  now: () => number = Date.now,
): Promise<{ job: JobRecord; created: boolean }> {
  const inputPath = resolve(options.inputPath);
  const outputPath = resolve(options.outputPath);
  const fingerprint = await jobFingerprint(inputPath, {
    workload: options.workload,
    provider: options.provider ?? null,
    endpoint: options.endpoint ?? null,
  });
  const id = newId('job_');
  return findOrCreateJob(store.driver, {
    id,
    filesPath: jobFolder(store.home, id),
    fingerprint,
    workload: options.workload,
    inputPath,
    outputPath,
    rejectsPath: resolve(options.rejectsPath ?? defaultRejectsPath(outputPath)),
    settings: {
      provider: options.provider ?? null,
      endpoint: options.endpoint ?? null,
      maxAttempts: options.maxAttempts ?? defaultMaxAttempts,
      onDeadline: options.onDeadline ?? 'realtime',
      strict: options.strict ?? false,
      maxLineBytes: options.maxLineBytes ?? 32 * 1024 * 1024,
    },
    deadlineAt: now() + (options.deadlineMs ?? defaultDeadlineMs),
    now: now(),
  });
}

/** Drives an existing job (a resumed run, or `spendwall cancel` finishing a cancellation). */
export async function driveJob(
  job: JobRecord,
  resumed: boolean,
  dependencies: EngineDependencies,
): Promise<JobSummary> {
  const { driver } = dependencies.store;
  const now = dependencies.now ?? Date.now;
  const sleep =
    dependencies.sleep ?? ((milliseconds) => new Promise((done) => setTimeout(done, milliseconds)));
  const settings: EngineSettings = { ...defaultEngineSettings, ...dependencies.settings };
  const prices = dependencies.prices ?? createPriceBook();
  // Where the job's bodies and results files are (batch/job-files.ts).
  const folder = filesOf(job, dependencies.store.home);
  if (job.state === 'failed') {
    // A failed job stays failed: the same command on the same input says why again.
    throw new SpendwallError(job.error ?? 'the job failed', { code: 'job_failed' });
  }
  const lease = new JobLease(driver, job.id, settings.leaseTtlMs, now);
  await lease.acquire();
  const startedAt = now();
  let doneAtStart = 0;
  let lastProgress = 0;
  const report = async (phase: JobProgress['phase'], force = false) => {
    if (!dependencies.onProgress || (!force && now() - lastProgress < settings.progressIntervalMs)) return;
    lastProgress = now();
    const current = (await getJob(driver, job.id)) ?? job;
    dependencies.onProgress(await readProgress(driver, current, phase, now(), startedAt, doneAtStart));
  };

  try {
    if (!job.ingestDone && job.state === 'ingesting') {
      await report('ingesting', true);
      try {
        const packer = await IngestPacker.open(driver, job.id, dependencies.providers, settings);
        await ingest(driver, job, now, folder, packer);
      } catch (error) {
        if (error instanceof SpendwallError && error.code === 'strict_reject') {
          await setJobState(driver, job.id, 'failed', now(), error.message);
        }
        throw error;
      }
      await driver.run("UPDATE jobs SET state = 'running' WHERE id = ? AND state = 'ingesting'", [job.id]);
    }
    doneAtStart = finishedCount(await countRequestStates(driver, job.id));
    await failUnconfiguredProviders(driver, job.id, dependencies.providers, now);

    for (;;) {
      if (dependencies.signal?.aborted)
        throw new SpendwallError('stopped; run the same command to resume', { code: 'aborted' });
      if (!lease.held) throw new SpendwallError('another runner took this job over', { code: 'job_busy' });
      const current = (await getJob(driver, job.id))!;
      if (current.state === 'completed' || current.state === 'cancelled' || current.state === 'failed') break;
      const cancelling = current.state === 'cancelling';
      const fallback =
        !cancelling &&
        current.deadlineAt !== null &&
        now() >= current.deadlineAt - settings.deadlineReserveMs;
      const phase: JobProgress['phase'] = cancelling
        ? 'cancelling'
        : fallback
          ? 'deadline fallback'
          : 'running';
      const mode = {
        workload: current.workload,
        maxAttempts: current.settings.maxAttempts,
        retry: !cancelling,
        deadlineFallback: fallback,
        cancel: cancelling || fallback,
      };
      let progressed = false;

      if (cancelling || fallback) {
        if (cancelling) {
          await endPendingRequests(
            driver,
            job.id,
            'cancelled',
            JSON.stringify({ code: 'job_cancelled', message: 'the job was cancelled' }),
            now(),
          );
        } else if (current.settings.onDeadline === 'fail') {
          progressed = (await failPendingAtDeadline(driver, job.id, now)) > 0 || progressed;
        } else {
          progressed =
            (await runPendingRealtime(
              driver,
              current,
              folder,
              dependencies.providers,
              prices,
              settings.realtimeConcurrency,
              now,
              dependencies.signal,
            )) > 0 || progressed;
        }
      } else {
        progressed = (await packPending(driver, job.id, folder, dependencies.providers, settings, now)) > 0;
      }

      for (const chunk of await chunksInStates(driver, job.id, ['planned', 'submitting'])) {
        const adapter = dependencies.providers[chunk.provider as ProviderName];
        if (!adapter) continue;
        // Cancelling or past the deadline, nothing new is created: a chunk whose create may have
        // landed is only looked for.
        const result = await submitChunk(driver, chunk, folder, adapter, settings, now, {
          create: !cancelling && !fallback,
        });
        if (result === 'submitted') progressed = true;
        if (result === 'failed' || result === 'abandoned') {
          const ending = result === 'failed' ? 'failed_retryable' : cancelling ? 'cancelled' : null;
          await driver.transaction(async (executor) => {
            await releaseChunkRequests(executor, job.id, chunk.id, ending, now());
            await updateChunk(executor, chunk.id, { state: 'harvested' }, now());
          });
          progressed = true;
        }
      }

      for (const chunk of await chunksInStates(driver, job.id, ['submitted'])) {
        const adapter = dependencies.providers[chunk.provider as ProviderName];
        if (!adapter) continue;
        const result = await pollChunk(driver, chunk, adapter, prices, mode, settings, now, folder);
        if (result === 'harvested' || result === 'lost') progressed = true;
      }

      const open = await chunksInStates(driver, job.id, ['planned', 'submitting', 'submitted']);
      if (open.length === 0 && !(await hasUnfinishedRequests(driver, job.id))) {
        await setJobState(driver, job.id, cancelling ? 'cancelled' : 'completed', now());
        break;
      }
      await report(phase);
      if (!progressed) await sleep(nextWakeDelay(open, now(), settings));
    }

    await report('writing results', true);
    const finished = (await getJob(driver, job.id))!;
    if (finished.outputPath) await writeResults(driver, job.id, finished.outputPath, folder);
    if (finished.rejectsPath && finished.rejected > 0)
      await writeRejects(driver, job.id, finished.rejectsPath);
    await report('done', true);
    return summarize(dependencies.store, finished, resumed);
  } finally {
    await lease.release();
  }
}

/** Requests whose provider has no adapter cannot run: they end failed, saying why. */
async function failUnconfiguredProviders(
  driver: Store['driver'],
  jobId: string,
  providers: EngineDependencies['providers'],
  now: () => number,
): Promise<void> {
  const needed = await driver.all<{ provider: string }>(
    "SELECT DISTINCT provider FROM requests WHERE job_id = ? AND state = 'pending'",
    [jobId],
  );
  for (const { provider } of needed) {
    if (providers[provider as ProviderName]) continue;
    await driver.run(
      "UPDATE requests SET state = 'failed_invalid', error = ?, finished_at = ? WHERE job_id = ? AND state = 'pending' AND provider = ?",
      [
        JSON.stringify({ code: 'provider_not_configured', message: `no ${provider} provider is configured` }),
        now(),
        jobId,
        provider,
      ],
    );
  }
}

/** Whether any request still waits (pending or in a provider batch): an index probe, not a count. */
async function hasUnfinishedRequests(driver: Store['driver'], jobId: string): Promise<boolean> {
  const row = await driver.get(
    "SELECT 1 AS waiting FROM requests WHERE job_id = ? AND state IN ('pending', 'queued') LIMIT 1",
    [jobId],
  );
  return row !== undefined;
}

/** Sleeps until the earliest chunk is due, within bounds, so an idle runner costs nothing. */
function nextWakeDelay(
  open: Array<{ nextPollAt: number | null }>,
  now: number,
  settings: EngineSettings,
): number {
  const due = open
    .map((chunk) => chunk.nextPollAt ?? now)
    .reduce((earliest, time) => Math.min(earliest, time), now + settings.pollMaxMs);
  return Math.max(10, Math.min(settings.pollMaxMs, due - now));
}

export async function summarize(store: Store, job: JobRecord, resumed: boolean): Promise<JobSummary> {
  const requests = await countRequestStates(store.driver, job.id);
  const totals = await ledgerTotals(store.driver, job.id);
  return {
    jobId: job.id,
    state: job.state,
    resumed,
    accepted: job.accepted,
    rejected: job.rejected,
    requests,
    costNanoUsd: totals.costNanoUsd,
    realtimeCostNanoUsd: totals.realtimeCostNanoUsd,
    savingsNanoUsd: totals.realtimeCostNanoUsd - totals.costNanoUsd,
    unpriced: totals.unpriced,
    deadlineFallbacks: totals.deadlineFallbacks,
    outputPath: job.outputPath,
    rejectsPath: job.rejected > 0 ? job.rejectsPath : null,
  };
}
