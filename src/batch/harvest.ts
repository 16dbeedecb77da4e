import type { PriceBook } from '../prices/index.js';
import type { ProviderAdapterV1, ProviderBatch, RequestResult } from '../providers/provider.js';
import { applyBatchSuccesses, BatchSuccesses } from '../store/batch-successes.js';
import { type ChunkRecord, getChunk, updateChunk } from '../store/chunks.js';
import {
  applyOutcomes,
  failChunkRequests,
  type Outcome,
  releaseChunkRequests,
  unlimitedAttempts,
} from '../store/outcomes.js';
import { queuedInChunk } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { outcomeOf } from './costing.js';
import { chunkResultsPath } from './job-files.js';
import { parseProviderCustomId } from './pack.js';
import { ResultsFileWriter } from './results-file.js';
import { responseJson, resultLine } from './write-results.js';

/** About how many results lines are put in order together when a chunk's results file is written. */
const resultsPerBucket = 2000;

/** What the job wants done with requests that did not succeed in this batch. */
export interface HarvestMode {
  workload: string;
  maxAttempts: number;
  /** False once the job is being cancelled: nothing is tried again. */
  retry: boolean;
  /** Set when the deadline forced the batch's end: the unfinished requests go to the realtime lane. */
  deadlineFallback: boolean;
}

/**
 * Applies an ended provider batch's results to its requests and closes the chunk. The results are
 * streamed once: each succeeded request's results.jsonl line goes to the chunk's results file
 * (synced before anything is committed), everything else is kept for the commit; then one
 * transaction ends the chunk (failures one by one, successes together: see applyBatchSuccesses).
 * Safe to run again after a crash part-way: the file is written again, and every outcome is
 * applied at most once.
 */
export async function harvestChunk(
  driver: SqlDriver,
  chunk: ChunkRecord,
  batch: ProviderBatch,
  adapter: ProviderAdapterV1,
  prices: PriceBook,
  mode: HarvestMode,
  now: () => number,
  folder: string,
): Promise<{ applied: number }> {
  // A deadline fallback must let every unfinished request run synchronously, whatever its tries.
  const maxAttempts = mode.deadlineFallback ? unlimitedAttempts : mode.maxAttempts;
  if (batch.ending === 'failed') {
    const reason = batch.failure
      ? `${batch.failure.code}: ${batch.failure.message}`
      : 'the provider batch failed';
    await driver.transaction(async (executor) => {
      if (batch.failure?.code === 'token_limit_exceeded') {
        // Not the requests' fault: they wait for room and go again without spending a try.
        await releaseChunkRequests(executor, chunk.jobId, chunk.id, null, now());
      } else {
        await failChunkRequests(
          executor,
          chunk.jobId,
          chunk.id,
          JSON.stringify({ code: batch.failure?.code ?? 'batch_failed', message: reason }),
          {
            retry: mode.retry,
            maxAttempts,
            now: now(),
          },
        );
      }
      await updateChunk(
        executor,
        chunk.id,
        { state: 'harvested', providerStatus: batch.providerStatus, endedAt: now(), lastError: reason },
        now(),
      );
    });
    return { applied: 0 };
  }

  // The chunk's requests still queued in it, with their custom_ids and tries: what this batch's
  // results can end (one range scan; a request already ended takes no second result).
  const waiting = await queuedInChunk(driver, chunk.id);
  const range = waiting.size > 0 ? lineRange(waiting.keys()) : { first: 0, last: 0 };
  const file = new ResultsFileWriter(chunkResultsPath(folder, chunk.id), range, resultsPerBucket);
  const successes = new BatchSuccesses(waiting.size);
  // Everything else (failures, and results filed under another chunk) is applied one by one.
  const others: Array<{ owner: ChunkRecord; outcome: Outcome }> = [];
  const chunks = new Map<string, ChunkRecord | undefined>([[chunk.id, chunk]]);
  let applied = 0;
  try {
    for await (const page of adapter.batch.results(batch)) {
      for (const result of page) {
        const origin = parseProviderCustomId(result.customId);
        if (!origin) continue;
        if (origin.chunkId === chunk.id) {
          const request = waiting.get(origin.line);
          // Not queued here (any more), or reported twice: the first result stands.
          if (request === undefined) continue;
          waiting.delete(origin.line);
          const outcome = toOutcome(result, origin.line, chunk, batch, prices, mode);
          if (outcome.outcome !== 'succeeded') {
            others.push({ owner: chunk, outcome });
            continue;
          }
          const attempt = request.attempts + 1;
          file.add(
            origin.line,
            resultLine(
              request.customId,
              origin.line,
              'succeeded',
              'batch',
              attempt,
              responseJson(result.statusCode, result.body),
              'null',
              outcome.cost,
              outcome.realtimeCost,
            ),
          );
          successes.add(outcome, attempt);
          continue;
        }
        // Custom ids name their chunk: a result filed under another chunk (a batch adopted by
        // mistake after a crash) still reaches its own request.
        if (!chunks.has(origin.chunkId)) chunks.set(origin.chunkId, await getChunk(driver, origin.chunkId));
        const owner = chunks.get(origin.chunkId);
        if (owner)
          others.push({ owner, outcome: toOutcome(result, origin.line, owner, batch, prices, mode) });
      }
    }
    // On disk before the commit that says these requests' lines are there.
    file.finish();
  } catch (error) {
    file.dispose();
    throw error;
  }

  await driver.transaction(async (executor) => {
    const byOwner = new Map<ChunkRecord, Outcome[]>();
    for (const { owner, outcome } of others) {
      const list = byOwner.get(owner) ?? [];
      list.push(outcome);
      byOwner.set(owner, list);
    }
    for (const [owner, outcomes] of byOwner) {
      // In line order, the updates touch the pages of the requests table (and its indexes) in order.
      outcomes.sort((a, b) => a.line - b.line);
      applied += await applyOutcomes(executor, ledgerContext(owner, mode, now), maxAttempts, outcomes);
    }
    // The successes, and the requests the batch gave no result for: those were never run, and
    // go again or end cancelled.
    applied += await applyBatchSuccesses(
      executor,
      { ...ledgerContext(chunk, mode, now), chunkId: chunk.id, providerBatchId: batch.id },
      successes,
      // What is still waiting got no result from the batch.
      waiting,
      mode.retry ? null : 'cancelled',
    );
    await updateChunk(
      executor,
      chunk.id,
      { state: 'harvested', providerStatus: batch.providerStatus, endedAt: now() },
      now(),
    );
  });
  return { applied };
}

function ledgerContext(owner: ChunkRecord, mode: HarvestMode, now: () => number) {
  return {
    jobId: owner.jobId,
    workload: mode.workload,
    provider: owner.provider,
    model: owner.model,
    endpoint: owner.endpoint,
    now: now(),
  };
}

function lineRange(lines: Iterable<number>): { first: number; last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    if (line < first) first = line;
    if (line > last) last = line;
  }
  return { first, last };
}

function toOutcome(
  result: RequestResult,
  line: number,
  owner: ChunkRecord,
  batch: ProviderBatch,
  prices: PriceBook,
  mode: HarvestMode,
): Outcome {
  return outcomeOf(result, prices, {
    line,
    provider: owner.provider,
    model: owner.model,
    lane: 'batch',
    chunkId: owner.id,
    providerBatchId: batch.id,
    retry: mode.retry && result.outcome !== 'succeeded' && result.outcome !== 'failed_invalid',
    deadlineFallback: false,
  });
}
