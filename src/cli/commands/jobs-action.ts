import { filesOf } from '../../batch/job-files.js';
import { describeProgress, failedCount, finishedCount, readProgress } from '../../batch/progress.js';
import { driveJob } from '../../batch/run-job.js';
import { writeResults } from '../../batch/write-results.js';
import { formatDuration } from '../../core/durations.js';
import { ConfigError } from '../../core/errors.js';
import { listJobs, requestCancel } from '../../store/jobs.js';
import { openStore, type Store } from '../../store/open-store.js';
import { countRequestStates } from '../../store/requests.js';
import { lookUpJob } from '../job-lookup.js';
import { setUpProviders } from '../provider-setup.js';
import { printSummary } from '../summary.js';
import type { StoreFlags } from './jobs.js';

/* `spendwall jobs | status | results | cancel`: loaded only when one of them runs (see jobs.ts). */

async function withStore<Result>(
  flags: StoreFlags,
  work: (store: Store) => Promise<Result>,
): Promise<Result> {
  const store = await openStore({ databaseUrl: flags.database });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function jobsCommand(flags: StoreFlags & { json?: boolean }): Promise<void> {
  await withStore(flags, async (store) => {
    const jobs = await listJobs(store.driver);
    const rows = [];
    for (const job of jobs) {
      const counts = await countRequestStates(store.driver, job.id);
      rows.push({ job, counts });
    }
    if (flags.json) {
      console.log(
        JSON.stringify(
          rows.map(({ job, counts }) => ({ ...job, requests: counts })),
          null,
          2,
        ),
      );
      return;
    }
    if (rows.length === 0) {
      console.log(`no jobs yet in ${store.location}; start one with \`spendwall run FILE\``);
      return;
    }
    console.log(['JOB', 'WORKLOAD', 'STATE', 'DONE', 'FAILED', 'CREATED'].join('\t'));
    for (const { job, counts } of rows) {
      console.log(
        [
          job.id,
          job.workload,
          job.state,
          `${finishedCount(counts)}/${job.accepted}`,
          String(failedCount(counts)),
          new Date(job.createdAt).toISOString(),
        ].join('\t'),
      );
    }
  });
}

export async function statusCommand(id: string, flags: StoreFlags & { json?: boolean }): Promise<void> {
  await withStore(flags, async (store) => {
    const job = await lookUpJob(store, id);
    const progress = await readProgress(store.driver, job, 'running', Date.now(), job.createdAt, 0);
    if (flags.json) {
      console.log(JSON.stringify({ ...job, progress }, null, 2));
      return;
    }
    console.log(`job ${job.id} · workload ${job.workload} · ${job.state}`);
    console.log(`  input     ${job.inputPath} (${job.accepted} accepted, ${job.rejected} rejected)`);
    console.log(
      `  progress  ${describeProgress({ ...progress, phase: 'running' }).replace(/^running · /, '')}`,
    );
    console.log(`  age       ${formatDuration(Date.now() - job.createdAt)}`);
    if (job.deadlineAt) console.log(`  deadline  ${new Date(job.deadlineAt).toISOString()}`);
    if (job.error) console.log(`  error     ${job.error}`);
    if (job.leaseOwner && (job.leaseExpiresAt ?? 0) > Date.now())
      console.log(`  runner    ${job.leaseOwner}`);
  });
}

export async function resultsCommand(id: string, flags: StoreFlags & { output?: string }): Promise<void> {
  await withStore(flags, async (store) => {
    const job = await lookUpJob(store, id);
    const path = flags.output ?? job.outputPath;
    if (!path)
      throw new ConfigError('the job has no results file of its own: pass -o FILE', {
        place: '--output',
      });
    const count = await writeResults(store.driver, job.id, path, filesOf(job, store.home));
    const counts = await countRequestStates(store.driver, job.id);
    const unfinished = counts.pending + counts.queued;
    console.log(
      `wrote ${count} results to ${path}` +
        (unfinished ? ` (${unfinished} still running: run \`spendwall run\` again to finish)` : ''),
    );
  });
}

export async function cancelCommand(id: string, flags: StoreFlags & { emulator?: boolean }): Promise<void> {
  await withStore(flags, async (store) => {
    const job = await lookUpJob(store, id);
    const asked = await requestCancel(store.driver, job.id, Date.now());
    if (!asked && job.state !== 'cancelling') {
      console.log(`job ${job.id} is already ${job.state}; nothing to cancel`);
      return;
    }
    const running = job.leaseOwner !== null && (job.leaseExpiresAt ?? 0) > Date.now();
    if (running) {
      console.log(`job ${job.id} is cancelling; its runner (${job.leaseOwner}) cancels the provider batches`);
      return;
    }
    // Nobody runs the job: cancel its provider batches here and settle every request.
    const setup = await setUpProviders({ emulator: flags.emulator ?? false, required: true });
    try {
      const cancelling = await lookUpJob(store, job.id);
      const summary = await driveJob(cancelling, true, { store, providers: setup.providers });
      printSummary(summary, false);
    } finally {
      await setup.close();
    }
  });
}
