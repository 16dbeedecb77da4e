import { ProviderError } from '../http.js';
import { type Connection, requestJson } from '../internal/connection.js';
import type { BatchCapabilityV1, BatchLimits } from '../provider.js';
import { metadataKeys, type OpenAIBatchObject, openAIBatchSchema, toProviderBatch } from './batch-object.js';
import { batchEndpoint } from './connection.js';
import { findOpenAIBatch } from './find.js';
import { openAIResults } from './results.js';
import { encodeOpenAIRequest, uploadBatchFile } from './submission.js';

/** OpenAI's Batch API: a JSONL file upload, then a batch tagged with Spendwall's job and chunk. */
export function createOpenAIBatchCapability(connection: Connection, limits: BatchLimits): BatchCapabilityV1 {
  const retrieveObject = (id: string): Promise<OpenAIBatchObject> =>
    requestJson(connection, { method: 'GET', path: `/batches/${encodeURIComponent(id)}` }, openAIBatchSchema);

  return {
    limits,
    encode: encodeOpenAIRequest,

    async create(input) {
      let fileId = input.uploadedFileId ?? null;
      if (fileId === null) {
        fileId = await uploadBatchFile(connection, input.lines, input.tag);
        // Recorded before the batch exists, so a crash from here on re-uses the file.
        await input.onUploaded?.(fileId);
      }
      const created = await requestJson(
        connection,
        {
          method: 'POST',
          path: '/batches',
          headers: { 'content-type': 'application/json' },
          body: () =>
            JSON.stringify({
              input_file_id: fileId,
              endpoint: batchEndpoint(input.endpoint),
              completion_window: '24h',
              metadata: { [metadataKeys.job]: input.tag.jobId, [metadataKeys.chunk]: input.tag.chunkId },
            }),
          // A second batch for the same file would run (and bill) every line twice.
          idempotent: false,
        },
        openAIBatchSchema,
      );
      return toProviderBatch(created);
    },

    async find(tag, hints) {
      const found = await findOpenAIBatch(connection, tag, hints);
      return found ? toProviderBatch(found) : undefined;
    },

    async retrieve(id) {
      return toProviderBatch(await retrieveObject(id));
    },

    async *results(batch) {
      // Read afresh: the file ids are only known once the batch has ended.
      const current = await retrieveObject(batch.id);
      if (toProviderBatch(current).phase !== 'ended') {
        throw new ProviderError(`batch ${batch.id} is ${current.status}; results exist once it has ended`, {
          status: null,
          providerCode: 'batch_not_ended',
          isRetryable: true,
          place: `GET /batches/${batch.id}`,
        });
      }
      yield* openAIResults(connection, current);
    },

    async cancel(id) {
      try {
        return toProviderBatch(
          await requestJson(
            connection,
            // A 409 is an answer (it can no longer be cancelled), judged below, not a conflict to wait out.
            { method: 'POST', path: `/batches/${encodeURIComponent(id)}/cancel`, finalStatuses: [409] },
            openAIBatchSchema,
          ),
        );
      } catch (error) {
        // A batch that ended while we decided to cancel it is refused with 409: that is no failure.
        if (error instanceof ProviderError && (error.status === 409 || error.status === 400)) {
          const batch = toProviderBatch(await retrieveObject(id));
          if (batch.phase === 'ended') return batch;
        }
        throw error;
      }
    },
  };
}
