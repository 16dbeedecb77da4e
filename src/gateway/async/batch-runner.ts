import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobProgress } from '../../batch/progress.js';
import { driveJob, type EngineDependencies, openJob } from '../../batch/run-job.js';
import { SpendwallError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { requestCancel } from '../../store/jobs.js';
import { writeBatchOutputs } from './batch-output.js';
import {
  type BatchChange,
  type BatchRecord,
  getBatch,
  openBatchStatuses,
  updateBatch,
} from './batch-records.js';
import { expiryOf } from './expires-after.js';
import { getFile, insertFile } from './file-records.js';

export type BatchRunEnd = 'done' | 'stopped';

/**
 * Runs a `/v1/batches` batch through the batch lane's engine: the uploaded file is the job's
 * input as it is (OpenAI batch lines), without OpenAI's per-file ceilings: the engine splits it
 * into as many provider batches as the limits need, retries failed lines, and meets the deadline.
 * Progress is mirrored into the batch's status and request counts; at the end the results become
 * one output file and one error file. Called again after a crash, it resumes the same job (the
 * engine finds it by the input's fingerprint) and writes the files again.
 */
export async function runBatch(
  batch: BatchRecord,
  engine: EngineDependencies,
  folder: string,
): Promise<BatchRunEnd> {
  // Another runner holds the job (a second batch over the same file and workload shares it):
  // wait for it to finish, then read the same results.
  for (;;) {
    const end = await runBatchOnce(batch, engine, folder);
    if (end !== 'busy') return end;
    if (engine.signal?.aborted) return 'stopped';
    await (engine.sleep ?? ((milliseconds) => new Promise((done) => setTimeout(done, milliseconds))))(
      busyWaitMs,
    );
  }
}

/** How long a batch whose job another runner holds waits before trying again. */
const busyWaitMs = 1_000;

async function runBatchOnce(
  batch: BatchRecord,
  engine: EngineDependencies,
  folder: string,
): Promise<BatchRunEnd | 'busy'> {
  const { driver } = engine.store;
  const now = engine.now ?? Date.now;
  const fail = async (code: string, message: string) => {
    await updateBatch(
      driver,
      batch.id,
      { status: 'failed', failedAt: now(), errors: [{ code, message, param: null, line: null }] },
      openBatchStatuses,
    );
    return 'done' as const;
  };
  const input = await getFile(driver, batch.inputFileId, now());
  if (!input)
    return fail('input_file_missing', `the input file ${batch.inputFileId} was deleted or has expired`);

  let updates = Promise.resolve();
  const mirror = (change: BatchChange, from: BatchRecord['status'][]) => {
    updates = updates.then(() => updateBatch(driver, batch.id, change, from).then(() => undefined));
  };
  const onProgress = (progress: JobProgress) => {
    const requests = progress.requests;
    const failed =
      requests.failed_invalid +
      requests.failed_retryable +
      requests.expired +
      requests.cancelled +
      progress.rejected;
    const counts = { total: progress.accepted + progress.rejected, completed: requests.succeeded, failed };
    if (progress.phase === 'running' || progress.phase === 'deadline fallback') {
      mirror({ status: 'in_progress', inProgressAt: now() }, ['validating']);
    }
    if (progress.phase === 'writing results')
      mirror({ status: 'finalizing', finalizingAt: now() }, ['in_progress']);
    mirror(counts, openBatchStatuses.slice());
  };

  let summary: Awaited<ReturnType<typeof driveJob>>;
  try {
    const { job, created } = await openJob(
      {
        inputPath: input.path,
        outputPath: join(folder, `${batch.id}.results.jsonl`),
        workload: batch.workload,
        endpoint: batch.endpoint,
        deadlineMs: batch.expiresAt - now(),
      },
      engine.store,
      now,
    );
    if (batch.jobId !== job.id) await updateBatch(driver, batch.id, { jobId: job.id });
    // A cancel that came before the job was known is applied now (the route applies later ones).
    if ((await getBatch(driver, batch.id))?.status === 'cancelling')
      await requestCancel(driver, job.id, now());
    summary = await driveJob(job, !created, { ...engine, onProgress });
  } catch (error) {
    await updates;
    if (error instanceof SpendwallError && error.code === 'job_busy') return 'busy';
    if (error instanceof SpendwallError && error.code === 'aborted') return 'stopped';
    if (engine.signal?.aborted) return 'stopped';
    const code = error instanceof SpendwallError ? error.code : 'batch_failed';
    return fail(code, (error as Error).message);
  }
  await updates;
  if (batch.team !== '') {
    await driver.run('UPDATE ledger SET team = ? WHERE job_id = ?', [batch.team, summary.jobId]);
  }
  // A small job can finish between two progress reports: it was in progress all the same.
  await driver.run('UPDATE async_batches SET in_progress_at = COALESCE(in_progress_at, ?) WHERE id = ?', [
    now(),
    batch.id,
  ]);
  await updateBatch(driver, batch.id, { status: 'finalizing', finalizingAt: now() }, [
    'validating',
    'in_progress',
  ]);

  const outputs = await writeBatchOutputs(
    batch.id,
    { outputPath: summary.outputPath, rejectsPath: summary.rejectsPath },
    { output: join(folder, `${batch.id}-output.jsonl`), errors: join(folder, `${batch.id}-errors.jsonl`) },
  );
  const cancelled = summary.state === 'cancelled';
  await driver.transaction(async (executor) => {
    const fileOf = async (file: { path: string; bytes: number; lines: number }, suffix: string) => {
      if (file.lines === 0) return null;
      const id = newId('file-', 24);
      const createdAt = now();
      await insertFile(executor, {
        id,
        team: batch.team,
        purpose: 'batch_output',
        filename: `${batch.id}_${suffix}.jsonl`,
        bytes: file.bytes,
        path: file.path,
        createdAt,
        // `output_expires_after` anchors on the file's creation, not the batch's.
        expiresAt: expiryOf(createdAt, batch.outputExpiresAfterSeconds),
      });
      return id;
    };
    await updateBatch(
      executor,
      batch.id,
      {
        status: cancelled ? 'cancelled' : 'completed',
        outputFileId: await fileOf(outputs.output, 'output'),
        errorFileId: await fileOf(outputs.errors, 'error'),
        total: outputs.output.lines + outputs.errors.lines,
        completed: outputs.output.lines,
        failed: outputs.errors.lines,
        ...(cancelled ? { cancelledAt: now() } : { completedAt: now() }),
      },
      openBatchStatuses,
    );
  });
  // Copied into the output and error files (and kept in the store): the engine's own results and
  // rejects files, and an output or error file left empty, would otherwise stay on disk for good.
  const leftovers = [summary.outputPath, summary.rejectsPath];
  if (outputs.output.lines === 0) leftovers.push(outputs.output.path);
  if (outputs.errors.lines === 0) leftovers.push(outputs.errors.path);
  for (const path of leftovers) if (path) await rm(path, { force: true });
  // The engine job's own files (bodies, its provider batches' results) stay: another batch over
  // the same file and workload is the same job, and writes its results from them.
  return 'done';
}
