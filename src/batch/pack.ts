import { newId } from '../core/ids.js';
import type { ProviderAdapterV1, ProviderName } from '../providers/provider.js';
import { insertChunk } from '../store/chunks.js';
import { assignToChunk, type PackingRow, pendingGroups, pendingPage } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { BodiesReader } from './bodies-file.js';
import { estimateInputTokens, type InputEndpoint } from './input/index.js';
import type { EngineSettings } from './job-options.js';

/** Chunk ids have a fixed length so a line's encoded size is known before its chunk exists. */
export const chunkIdPrefix = 'ck';
const chunkIdLength = 16;

/** The custom_id a request carries at the provider: its chunk and its line, within `[a-z0-9_]{1,64}`. */
export function providerCustomId(chunkId: string, line: number): string {
  return `${chunkId}_${line}`;
}

/** The chunk and line a provider custom_id names, or undefined when it is not one of Spendwall's. */
export function parseProviderCustomId(customId: string): { chunkId: string; line: number } | undefined {
  const match = /^(ck[a-z0-9]+)_(\d+)$/.exec(customId);
  return match ? { chunkId: match[1]!, line: Number(match[2]) } : undefined;
}

/** The token limit for a model: `provider:model`, then `model`, then `*`; Infinity when none is set. */
export function enqueuedTokenLimit(settings: EngineSettings, provider: string, model: string): number {
  const limits = settings.enqueuedTokenLimits;
  return limits[`${provider}:${model}`] ?? limits[model] ?? limits['*'] ?? Number.POSITIVE_INFINITY;
}

/**
 * Packs a job's pending requests into planned chunks that fit the provider's limits: requests,
 * bytes, one endpoint and model per chunk, and the model's enqueued-token limit (a chunk never
 * holds more than the limit, so it can always be submitted once the queue has room). Bodies are
 * read (from the job's bodies file in `folder`) only to count tokens against such a limit.
 */
export async function packPending(
  driver: SqlDriver,
  jobId: string,
  folder: string,
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>,
  settings: EngineSettings,
  now: () => number,
): Promise<number> {
  let created = 0;
  for (const group of await pendingGroups(driver, jobId)) {
    const adapter = providers[group.provider as ProviderName];
    if (!adapter) continue;
    const limits = adapter.batch.limits;
    const maxRequests = Math.min(limits.maxRequests, settings.chunkMaxRequests ?? Number.POSITIVE_INFINITY);
    const maxBytes = Math.min(limits.maxBytes, settings.chunkMaxBytes ?? Number.POSITIVE_INFINITY);
    const maxTokens = enqueuedTokenLimit(settings, group.provider, group.model);
    // Everything a line adds besides its body: the envelope with a custom_id of the longest form.
    const envelope =
      Buffer.byteLength(
        adapter.batch.encode({
          customId: providerCustomId(chunkIdPrefix + 'x'.repeat(chunkIdLength), 0),
          endpoint: group.endpoint,
          model: group.model,
          body: '',
        }),
      ) + 1;

    let current: { first: number; last: number; count: number; bytes: number; tokens: number } | undefined;
    const close = async () => {
      if (!current) return;
      const chunk = current;
      current = undefined;
      const id = chunkIdPrefix + newId('', chunkIdLength);
      await driver.transaction(async (executor) => {
        await insertChunk(executor, {
          id,
          jobId,
          provider: group.provider,
          endpoint: group.endpoint,
          model: group.model,
          requestCount: chunk.count,
          bytes: chunk.bytes,
          estimatedTokens: chunk.tokens,
          now: now(),
        });
        await assignToChunk(executor, jobId, id, group, chunk.first, chunk.last);
      });
      created++;
    };

    // Ingest stores an upper bound of each request's tokens. Against a limit, the real count is
    // taken, so chunks fill up to the limit as the provider counts; without one, nothing is counted.
    const exact = Number.isFinite(maxTokens);
    const bodies = new BodiesReader(folder);
    let afterLine = 0;
    for (;;) {
      const page: PackingRow[] = await pendingPage(driver, jobId, group, afterLine, 5000, exact);
      if (page.length === 0) break;
      if (exact) {
        // Counted for the whole page first, so the file is closed again before anything awaits.
        try {
          for (const row of page) {
            row.estimatedTokens = estimateInputTokens(
              group.endpoint as InputEndpoint,
              JSON.parse(bodies.bodyOf(row)) as Record<string, unknown>,
            );
          }
        } finally {
          bodies.close();
        }
      }
      for (const row of page) {
        const bytes = row.bodyBytes + envelope + String(row.line).length;
        const fits =
          current &&
          current.count + 1 <= maxRequests &&
          current.bytes + bytes <= maxBytes &&
          current.tokens + row.estimatedTokens <= maxTokens;
        if (current && !fits) await close();
        if (!current) current = { first: row.line, last: row.line, count: 0, bytes: 0, tokens: 0 };
        current.last = row.line;
        current.count++;
        current.bytes += bytes;
        current.tokens += row.estimatedTokens;
      }
      afterLine = page.at(-1)!.line;
    }
    await close();
  }
  return created;
}
