import { ProviderError } from '../providers/http.js';
import type { ProviderAdapterV1, ProviderBatch } from '../providers/provider.js';
import { type ChunkRecord, enqueuedTokens, knownProviderBatchIds, updateChunk } from '../store/chunks.js';
import { chunkRequestsPage } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { BodiesReader } from './bodies-file.js';
import type { EngineSettings } from './job-options.js';
import { enqueuedTokenLimit, providerCustomId } from './pack.js';

/** Failed creates of one chunk before its requests are given up as failed. */
export const maxSubmitFailures = 6;

/** `abandoned`: told not to create, and nothing was found at the provider (the chunk never reached it). */
export type SubmitResult = 'submitted' | 'waiting' | 'failed' | 'abandoned';

/**
 * Submits one chunk exactly once. The intent (`submitting`, with its start time) is committed
 * before anything is sent; the provider's id is committed as soon as it is known. A chunk found
 * in `submitting` may have reached the provider before its runner died, so it is looked for
 * (`find`) before it is created again.
 */
export async function submitChunk(
  driver: SqlDriver,
  chunk: ChunkRecord,
  folder: string,
  adapter: ProviderAdapterV1,
  settings: EngineSettings,
  now: () => number,
  options: { create: boolean } = { create: true },
): Promise<SubmitResult> {
  if (chunk.state === 'planned') {
    if (!options.create) return 'abandoned';
    const queued = await enqueuedTokens(driver, chunk.provider, chunk.model);
    if (
      queued > 0 &&
      queued + chunk.estimatedTokens > enqueuedTokenLimit(settings, chunk.provider, chunk.model)
    ) {
      return 'waiting';
    }
    const started = now();
    await updateChunk(
      driver,
      chunk.id,
      { state: 'submitting', submitStartedAt: started, nextPollAt: started + settings.submitGraceMs },
      started,
    );
    chunk = { ...chunk, state: 'submitting', submitStartedAt: started };
  } else if (chunk.state === 'submitting') {
    // A create that was sent but not answered may still land; look for it only after it would have.
    if (chunk.nextPollAt !== null && chunk.nextPollAt > now()) return 'waiting';
    const found = await adapter.batch.find(
      { jobId: chunk.jobId, chunkId: chunk.id },
      {
        createdAfter: chunk.submitStartedAt ?? 0,
        requestCount: chunk.requestCount,
        knownIds: await knownProviderBatchIds(driver, chunk.provider),
      },
    );
    if (found) {
      await recordSubmitted(driver, chunk, found, settings, now);
      return 'submitted';
    }
    if (!options.create) return 'abandoned';
    await updateChunk(driver, chunk.id, { nextPollAt: now() + settings.submitGraceMs }, now());
  }

  try {
    const batch = await adapter.batch.create({
      lines: encodedLines(driver, chunk, folder, adapter),
      endpoint: chunk.endpoint,
      model: chunk.model,
      tag: { jobId: chunk.jobId, chunkId: chunk.id },
      uploadedFileId: chunk.inputFileId,
      onUploaded: (fileId) => updateChunk(driver, chunk.id, { inputFileId: fileId }, now()),
    });
    await recordSubmitted(driver, chunk, batch, settings, now);
    return 'submitted';
  } catch (error) {
    const failures = chunk.submitFailures + 1;
    const message = error instanceof Error ? error.message : String(error);
    // The chunk stays `submitting`: whatever the error, the create may have reached the provider,
    // so the next try looks for it first, after a growing pause.
    const pause = Math.max(
      settings.submitGraceMs,
      Math.min(settings.pollMaxMs, settings.pollInitialMs * 2 ** failures),
    );
    await updateChunk(
      driver,
      chunk.id,
      { submitFailures: failures, lastError: message, nextPollAt: now() + pause },
      now(),
    );
    if (error instanceof ProviderError && !error.isRetryable && failures >= 2) return 'failed';
    if (failures >= maxSubmitFailures) return 'failed';
    return 'waiting';
  }
}

async function recordSubmitted(
  driver: SqlDriver,
  chunk: ChunkRecord,
  batch: ProviderBatch,
  settings: EngineSettings,
  now: () => number,
): Promise<void> {
  await updateChunk(
    driver,
    chunk.id,
    {
      state: 'submitted',
      providerBatchId: batch.id,
      providerStatus: batch.providerStatus,
      submittedAt: now(),
      nextPollAt: now() + settings.pollInitialMs,
      polls: 0,
      lastError: null,
    },
    now(),
  );
}

/**
 * The chunk's requests in the provider's batch format, read from the store a page at a time, their
 * bodies from the job's bodies file in `folder` (in line order, so mostly from its read-ahead).
 */
async function* encodedLines(
  driver: SqlDriver,
  chunk: ChunkRecord,
  folder: string,
  adapter: ProviderAdapterV1,
): AsyncGenerator<string> {
  const bodies = new BodiesReader(folder);
  let afterLine = 0;
  for (;;) {
    const page = await chunkRequestsPage(driver, chunk.jobId, chunk.id, afterLine, 2000);
    if (page.length === 0) return;
    // A page's bodies are read, and the file closed, before the first yield: an upload that fails
    // half-way may never resume or finish this generator, and must not leave the file open.
    let texts: string[];
    try {
      texts = page.map((request) => bodies.bodyOf(request));
    } finally {
      bodies.close();
    }
    for (const [index, request] of page.entries()) {
      yield adapter.batch.encode({
        customId: providerCustomId(chunk.id, request.line),
        endpoint: chunk.endpoint,
        model: chunk.model,
        body: texts[index]!,
      });
    }
    afterLine = page.at(-1)!.line;
  }
}
