import type { PriceBook } from '../prices/index.js';
import { ProviderError } from '../providers/http.js';
import type { ProviderAdapterV1 } from '../providers/provider.js';
import { type ChunkRecord, updateChunk } from '../store/chunks.js';
import { failChunkRequests } from '../store/outcomes.js';
import type { SqlDriver } from '../store/sql.js';
import { type HarvestMode, harvestChunk } from './harvest.js';
import type { EngineSettings } from './job-options.js';

export type PollResult = 'not_due' | 'running' | 'harvested' | 'lost' | 'error';

/**
 * Looks at one submitted chunk's provider batch when its poll is due; harvests it once ended.
 * Polls back off from `pollInitialMs` to `pollMaxMs`; an answer asking to wait (retry-after)
 * is honoured by the HTTP layer. A cancel the job asked for is sent once.
 */
export async function pollChunk(
  driver: SqlDriver,
  chunk: ChunkRecord,
  adapter: ProviderAdapterV1,
  prices: PriceBook,
  mode: HarvestMode & { cancel: boolean },
  settings: EngineSettings,
  now: () => number,
  folder: string,
): Promise<PollResult> {
  if (!mode.cancel && chunk.nextPollAt !== null && chunk.nextPollAt > now()) return 'not_due';
  const batchId = chunk.providerBatchId!;
  try {
    let batch = await adapter.batch.retrieve(batchId);
    if (mode.cancel && !chunk.cancelRequested && batch.phase !== 'ended') {
      batch = await adapter.batch.cancel(batchId);
      await updateChunk(driver, chunk.id, { cancelRequested: true }, now());
    }
    if (batch.phase === 'ended') {
      await updateChunk(driver, chunk.id, { providerStatus: batch.providerStatus, endedAt: now() }, now());
      await harvestChunk(driver, chunk, batch, adapter, prices, mode, now, folder);
      return 'harvested';
    }
    const polls = chunk.polls + 1;
    await updateChunk(
      driver,
      chunk.id,
      {
        providerStatus: batch.providerStatus,
        polls,
        nextPollAt: now() + Math.min(settings.pollMaxMs, settings.pollInitialMs * 1.5 ** Math.min(polls, 30)),
      },
      now(),
    );
    return 'running';
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404) {
      // The provider no longer knows the batch (deleted, or another account): its requests go again.
      const reason = `provider batch ${batchId} was not found at the provider`;
      await driver.transaction(async (executor) => {
        await failChunkRequests(
          executor,
          chunk.jobId,
          chunk.id,
          JSON.stringify({ code: 'batch_lost', message: reason }),
          {
            retry: mode.retry,
            maxAttempts: mode.maxAttempts,
            now: now(),
          },
        );
        await updateChunk(
          executor,
          chunk.id,
          { state: 'harvested', lastError: reason, endedAt: now() },
          now(),
        );
      });
      return 'lost';
    }
    const message = error instanceof Error ? error.message : String(error);
    await updateChunk(
      driver,
      chunk.id,
      { lastError: message, nextPollAt: now() + Math.min(settings.pollMaxMs, settings.pollInitialMs * 2) },
      now(),
    );
    return 'error';
  }
}
