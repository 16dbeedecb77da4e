import { ProviderError } from '../http.js';
import { type Connection, requestJson } from '../internal/connection.js';
import type { BatchCapabilityV1, BatchLimits } from '../provider.js';
import { type AnthropicBatchObject, anthropicBatchSchema, toProviderBatch } from './batch-object.js';
import { findAnthropicBatch } from './find.js';
import { anthropicResults } from './results.js';
import { batchRequestBody, encodeAnthropicRequest } from './submission.js';

const collectionPath = '/v1/messages/batches';

/** Anthropic's Message Batches API: requests inline in one streamed JSON body, no upload, no metadata. */
export function createAnthropicBatchCapability(
  connection: Connection,
  limits: BatchLimits,
): BatchCapabilityV1 {
  const batchPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;
  const retrieveObject = (id: string): Promise<AnthropicBatchObject> =>
    requestJson(connection, { method: 'GET', path: batchPath(id) }, anthropicBatchSchema);

  return {
    limits,
    encode: encodeAnthropicRequest,

    async create(input) {
      const created = await requestJson(
        connection,
        {
          method: 'POST',
          path: collectionPath,
          headers: { 'content-type': 'application/json' },
          body: batchRequestBody(connection, input.lines),
          // Without metadata a duplicate is hard to tell apart: never risk creating one here.
          idempotent: false,
        },
        anthropicBatchSchema,
      );
      return toProviderBatch(created);
    },

    async find(_tag, hints) {
      const found = await findAnthropicBatch(connection, hints);
      return found ? toProviderBatch(found) : undefined;
    },

    async retrieve(id) {
      return toProviderBatch(await retrieveObject(id));
    },

    async *results(batch) {
      // Read afresh: `results_url` is only set once the batch has ended.
      const current = await retrieveObject(batch.id);
      if (toProviderBatch(current).phase !== 'ended') {
        throw new ProviderError(
          `batch ${batch.id} is ${current.processing_status}; results exist once it has ended`,
          {
            status: null,
            providerCode: 'batch_not_ended',
            isRetryable: true,
            place: `GET ${batchPath(batch.id)}`,
          },
        );
      }
      yield* anthropicResults(connection, current);
    },

    async cancel(id) {
      try {
        return toProviderBatch(
          await requestJson(
            connection,
            // A 409 is an answer (it can no longer be cancelled), judged below, not a conflict to wait out.
            { method: 'POST', path: `${batchPath(id)}/cancel`, finalStatuses: [409] },
            anthropicBatchSchema,
          ),
        );
      } catch (error) {
        // A batch that ended while we decided to cancel it is refused (400 here): that is no failure.
        if (error instanceof ProviderError && (error.status === 400 || error.status === 409)) {
          const batch = toProviderBatch(await retrieveObject(id));
          if (batch.phase === 'ended') return batch;
        }
        throw error;
      }
    },
  };
}
