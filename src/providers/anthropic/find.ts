import { type Connection, requestJson } from '../internal/connection.js';
import type { BatchCapabilityV1 } from '../provider.js';
import { type AnthropicBatchObject, anthropicBatchListSchema, requestTotal } from './batch-object.js';

type FindHints = Parameters<BatchCapabilityV1['find']>[1];

/** How far before the recorded intent a batch may claim to have been created (clock skew). */
const clockSlackMs = 60 * 1000;

/**
 * Finds the batch a crashed process created, without a tag: Anthropic batches carry no metadata.
 * The candidates are batches created since the intent was recorded (less a minute of clock skew),
 * not already attributed to other work (`knownIds`), with exactly the chunk's request count; the
 * oldest candidate is taken, as the first create after the intent is the one that was lost.
 *
 * Two unrecorded chunks of equal size created in the same minute can be swapped. That is
 * detected, not silently wrong: results are joined by custom_id, custom_ids embed the chunk id,
 * and the engine heals an attribution whose custom_ids do not match its chunk.
 */
export async function findAnthropicBatch(
  connection: Connection,
  hints: FindHints,
): Promise<AnthropicBatchObject | undefined> {
  const oldestWorthReading = hints.createdAfter - clockSlackMs;
  let candidate: AnthropicBatchObject | undefined;
  let afterId: string | undefined;
  for (;;) {
    // Newest first; `after_id` pages toward older batches.
    const query = new URLSearchParams({ limit: '100', ...(afterId ? { after_id: afterId } : {}) });
    const page = await requestJson(
      connection,
      { method: 'GET', path: `/v1/messages/batches?${query}` },
      anthropicBatchListSchema,
    );
    for (const batch of page.data) {
      if (Date.parse(batch.created_at) < oldestWorthReading) return candidate;
      if (!hints.knownIds.has(batch.id) && requestTotal(batch) === hints.requestCount) candidate = batch;
    }
    const last = page.last_id ?? page.data.at(-1)?.id;
    if (!page.has_more || !last) return candidate;
    afterId = last;
  }
}
