import type { PriceBook } from '../prices/index.js';
import type { ProviderAdapterV1, ProviderBatch, RequestResult } from '../providers/provider.js';
import { type ChunkRecord, getChunk, updateChunk } from '../store/chunks.js';
import { applyOutcomes, failChunkRequests, type Outcome, releaseChunkRequests } from '../store/outcomes.js';
import { chunkLineRange } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { outcomeOf } from './costing.js';
import { parseProviderCustomId } from './pack.js';
import { spoolResults } from './spool.js';

/** About how many results are applied per transaction: those of a range of this many lines. */
const resultsPerCommit = 2000;

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
 * Applies an ended provider batch's results to its requests and closes the chunk. Safe to run
 * again after a crash part-way: every outcome is applied at most once (see applyOutcomes).
 */
export async function harvestChunk(
  driver: SqlDriver,
  chunk: ChunkRecord,
  batch: ProviderBatch,
  adapter: ProviderAdapterV1,
  prices: PriceBook,
  mode: HarvestMode,
  now: () => number,
): Promise<{ applied: number }> {
  // A deadline fallback must let every unfinished request run synchronously, whatever its tries.
  const maxAttempts = mode.deadlineFallback ? Number.MAX_SAFE_INTEGER : mode.maxAttempts;
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

  const chunks = new Map<string, ChunkRecord | undefined>([[chunk.id, chunk]]);
  let applied = 0;
  const apply = async (pending: Array<{ owner: ChunkRecord; outcome: Outcome }>) => {
    const byOwner = new Map<ChunkRecord, Outcome[]>();
    // In line order, each transaction touches the pages of the requests table (and its indexes)
    // once, in order.
    pending.sort((a, b) => a.outcome.line - b.outcome.line);
    for (const { owner, outcome } of pending) {
      const list = byOwner.get(owner) ?? [];
      list.push(outcome);
      byOwner.set(owner, list);
    }
    await driver.transaction(async (executor) => {
      for (const [owner, outcomes] of byOwner) {
        applied += await applyOutcomes(
          executor,
          {
            jobId: owner.jobId,
            workload: mode.workload,
            provider: owner.provider,
            model: owner.model,
            endpoint: owner.endpoint,
            now: now(),
          },
          maxAttempts,
          outcomes,
        );
      }
    });
  };

  const range = await chunkLineRange(driver, chunk.id);
  const results = await spoolResults(adapter.batch.results(batch), {
    first: range?.first ?? 0,
    last: range?.last ?? 0,
    perBucket: resultsPerCommit,
    lineOf: (result) => parseProviderCustomId(result.customId)?.line,
  });
  try {
    for await (const bucket of results.buckets()) {
      let pending: Array<{ owner: ChunkRecord; outcome: Outcome }> = [];
      for (const result of bucket) {
        const origin = parseProviderCustomId(result.customId);
        if (!origin) continue;
        // Custom ids name their chunk: a result filed under another chunk (a batch adopted by
        // mistake after a crash) still reaches its own request.
        if (!chunks.has(origin.chunkId)) chunks.set(origin.chunkId, await getChunk(driver, origin.chunkId));
        const owner = chunks.get(origin.chunkId);
        if (!owner) continue;
        pending.push({ owner, outcome: toOutcome(result, origin.line, owner, batch, prices, mode) });
        if (pending.length >= 2 * resultsPerCommit) {
          await apply(pending);
          pending = [];
        }
      }
      if (pending.length > 0) await apply(pending);
    }
  } finally {
    results.dispose();
  }

  await driver.transaction(async (executor) => {
    // Requests the batch gave no result for were never run: they go again, or end cancelled.
    await releaseChunkRequests(executor, chunk.jobId, chunk.id, mode.retry ? null : 'cancelled', now());
    await updateChunk(
      executor,
      chunk.id,
      { state: 'harvested', providerStatus: batch.providerStatus, endedAt: now() },
      now(),
    );
  });
  return { applied };
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
