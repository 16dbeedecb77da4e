import { type Connection, requestJson } from '../internal/connection.js';
import type { BatchCapabilityV1, BatchTag } from '../provider.js';
import { metadataKeys, type OpenAIBatchObject, openAIBatchListSchema } from './batch-object.js';

type FindHints = Parameters<BatchCapabilityV1['find']>[1];

/**
 * How far before the recorded intent a batch may claim to have been created: the provider's
 * clock and ours disagree by seconds, not minutes.
 */
const clockSlackMs = 5 * 60 * 1000;

/**
 * Finds the batch a crashed process created for `tag`. OpenAI keeps the metadata Spendwall sent,
 * so this is exact: list batches newest first and stop once they are older than the intent.
 * When several match (a create retried by hand), the oldest not already known is the one.
 */
export async function findOpenAIBatch(
  connection: Connection,
  tag: BatchTag,
  hints: FindHints,
): Promise<OpenAIBatchObject | undefined> {
  const oldestWorthReading = hints.createdAfter - clockSlackMs;
  let match: OpenAIBatchObject | undefined;
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
    const page = await requestJson(
      connection,
      { method: 'GET', path: `/batches?${query}` },
      openAIBatchListSchema,
    );
    for (const batch of page.data) {
      if (batch.created_at * 1000 < oldestWorthReading) return match;
      if (isFor(batch, tag) && !hints.knownIds.has(batch.id)) match = batch;
    }
    const last = page.data.at(-1);
    if (!page.has_more || !last) return match;
    after = last.id;
  }
}

function isFor(batch: OpenAIBatchObject, tag: BatchTag): boolean {
  return (
    batch.metadata?.[metadataKeys.chunk] === tag.chunkId && batch.metadata?.[metadataKeys.job] === tag.jobId
  );
}
