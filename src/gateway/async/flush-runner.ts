import { rm } from 'node:fs/promises';
import { filesOf } from '../../batch/job-files.js';
import { heldByAnotherRunner } from '../../batch/lease.js';
import type { EngineDependencies } from '../../batch/run-job.js';
import { driveJob, openJob } from '../../batch/run-job.js';
import { SpendwallError } from '../../core/errors.js';
import type { ProviderName } from '../../providers/provider.js';
import type { SqlDriver } from '../../store/sql.js';
import { type EngineResult, nanoUsd, readEngineRejects, readEngineResults } from './engine-results.js';
import { writeFlushInput } from './flush-input.js';
import { endFlush, type FlushRecord, getFlush, setFlushJob } from './flush-records.js';
import { type AsyncOutcome, endAsyncRequests } from './request-records.js';

/** `busy`: another process runs this flush's job (Postgres, several gateways); try again later. */
export type FlushEnd = 'done' | 'failed' | 'stopped' | 'busy';

/** Outcomes copied per transaction. */
const outcomesPerCommit = 500;

/**
 * Runs one recorded flush through the batch lane's engine and copies every result into its
 * request's row. Safe to call again on the same flush after a crash at any point: the input is
 * rebuilt byte for byte, `openJob` finds the same job by the input's fingerprint (so nothing is
 * submitted twice: the engine's own guarantee), and copying results only touches requests still
 * in progress. `stopped` means the engine was asked to stop (close) and will resume next start.
 */
export async function runFlush(
  flush: FlushRecord,
  engine: EngineDependencies,
  options: { keepFiles: boolean },
): Promise<FlushEnd> {
  const { driver } = engine.store;
  const now = engine.now ?? Date.now;
  // Another gateway on the same database may have ended it since it was listed (and removed its
  // files): nothing is rebuilt for a flush that has ended.
  if (await flushEnded(driver, flush.id)) return 'done';
  // A flush whose job a live process runs is left to it before anything is rebuilt: taking over
  // looks at every open flush every `adoptIntervalMs`, and rebuilding and hashing a peer's input
  // each time would be wasted work (the engine's lease would refuse the job all the same).
  if (flush.jobId !== null && (await heldByAnotherRunner(driver, flush.jobId, now()))) return 'busy';
  await writeFlushInput(driver, flush);
  let summary: Awaited<ReturnType<typeof driveJob>>;
  let jobFiles: string;
  try {
    const { job, created } = await openJob(
      {
        inputPath: flush.inputPath,
        outputPath: flush.outputPath,
        workload: flush.workload,
        provider: flush.provider as ProviderName,
        deadlineMs: flush.deadlineAt - now(),
        onDeadline: 'realtime',
      },
      engine.store,
      now,
    );
    if (flush.jobId !== job.id) await setFlushJob(driver, flush.id, job.id);
    jobFiles = filesOf(job, engine.store.home);
    summary = await driveJob(job, !created, engine);
  } catch (error) {
    if (error instanceof SpendwallError && error.code === 'job_busy') return 'busy';
    if (error instanceof SpendwallError && error.code === 'aborted') return 'stopped';
    if (engine.signal?.aborted) return 'stopped';
    // Its files went away because the process that ran it has just ended it: not a failure.
    if (await flushEnded(driver, flush.id)) return 'done';
    const reason = error instanceof SpendwallError ? error : undefined;
    await failFlush(driver, flush, reason?.code ?? 'flush_failed', (error as Error).message, now());
    return 'failed';
  }

  if (flush.team !== '') {
    await driver.run('UPDATE ledger SET team = ? WHERE job_id = ?', [flush.team, summary.jobId]);
  }
  let outcomes: AsyncOutcome[] = [];
  const commit = async () => {
    const batch = outcomes;
    outcomes = [];
    if (batch.length > 0) {
      await driver.transaction((executor) => endAsyncRequests(executor, flush.id, batch, now()));
    }
  };
  for await (const result of readEngineResults(flush.outputPath)) {
    outcomes.push(outcomeOf(result));
    if (outcomes.length >= outcomesPerCommit) await commit();
  }
  if (summary.rejectsPath) {
    for await (const reject of readEngineRejects(summary.rejectsPath)) {
      if (!reject.custom_id) continue;
      outcomes.push(failure(reject.custom_id, reject.code, reject.reason));
      if (outcomes.length >= outcomesPerCommit) await commit();
    }
  }
  await commit();
  // Whatever the engine gave no line for (it should not happen) still ends, saying so.
  await failFlush(
    driver,
    flush,
    'no_result',
    'the batch lane returned no result for this request',
    now(),
    'done',
  );
  if (!options.keepFiles) {
    for (const path of [flush.inputPath, flush.outputPath, summary.rejectsPath])
      if (path) await rm(path, { force: true });
    // The job's own files (its bodies and batches' results): every result is in the store now.
    await rm(jobFiles, { recursive: true, force: true });
  }
  return 'done';
}

/** Ends every request of the flush still in progress as failed, and the flush itself. */
async function failFlush(
  driver: SqlDriver,
  flush: FlushRecord,
  code: string,
  message: string,
  now: number,
  flushState: 'done' | 'failed' = 'failed',
): Promise<void> {
  const error = JSON.stringify({ code, message });
  await driver.transaction(async (executor) => {
    await executor.run(
      `UPDATE async_requests SET state = 'failed', error = ?, finished_at = ?,
         webhook_state = CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END,
         webhook_next_at = CASE WHEN webhook_url IS NULL THEN NULL ELSE CAST(? AS BIGINT) END
       WHERE flush_id = ? AND state = 'in_progress'`,
      [error, now, now, flush.id],
    );
    await endFlush(executor, flush.id, flushState, now, flushState === 'failed' ? error : null);
  });
}

function outcomeOf(result: EngineResult): AsyncOutcome {
  const succeeded = result.status === 'succeeded';
  const body = result.response?.body;
  return {
    id: result.custom_id,
    state: succeeded ? 'completed' : 'failed',
    lane: result.lane,
    statusCode: result.response?.status_code ?? null,
    response: body === undefined || body === null ? null : JSON.stringify(body),
    error: succeeded
      ? null
      : JSON.stringify(
          result.error ?? { code: result.status, message: `the request ended ${result.status}` },
        ),
    costNanoUsd: nanoUsd(result.cost_usd),
  };
}

function failure(id: string, code: string, message: string): AsyncOutcome {
  return {
    id,
    state: 'failed',
    lane: null,
    statusCode: null,
    response: null,
    error: JSON.stringify({ code, message }),
    costNanoUsd: null,
  };
}

/** True once the flush is no longer open (done or failed, here or in another process). */
async function flushEnded(driver: SqlDriver, id: string): Promise<boolean> {
  const current = await getFlush(driver, id);
  return current === undefined || (current.state !== 'planned' && current.state !== 'running');
}
