import { z } from 'zod';
import type { BatchPhase, BatchTag, ProviderBatch } from '../provider.js';

/**
 * OpenAI's Batch object, checked for the fields Spendwall reads; the rest pass through. `status`
 * is any string, so a status OpenAI adds later is read as `unknown` instead of failing the poll.
 */
export const openAIBatchSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  /** Epoch seconds. */
  created_at: z.number(),
  errors: z
    .object({
      data: z.array(z.looseObject({ code: z.string().nullish(), message: z.string().nullish() })).nullish(),
    })
    .nullish(),
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  request_counts: z.object({ total: z.number(), completed: z.number(), failed: z.number() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});
export type OpenAIBatchObject = z.output<typeof openAIBatchSchema>;

export const openAIBatchListSchema = z.object({
  data: z.array(openAIBatchSchema),
  has_more: z.boolean(),
});

/** The metadata keys Spendwall tags its batches with, to find them again after a crash. */
export const metadataKeys = { job: 'spendwall_job', chunk: 'spendwall_chunk' } as const;

type Mapping = { phase: BatchPhase; ending: ProviderBatch['ending'] };

const statuses: Record<string, Mapping> = {
  validating: { phase: 'validating', ending: null },
  in_progress: { phase: 'running', ending: null },
  finalizing: { phase: 'finalizing', ending: null },
  cancelling: { phase: 'cancelling', ending: null },
  completed: { phase: 'ended', ending: 'completed' },
  failed: { phase: 'ended', ending: 'failed' },
  expired: { phase: 'ended', ending: 'expired' },
  cancelled: { phase: 'ended', ending: 'cancelled' },
};

/** Never `ended` for a status not listed: results are only read from a batch known to be over. */
const unknownStatus: Mapping = { phase: 'unknown', ending: null };

export function toProviderBatch(raw: OpenAIBatchObject): ProviderBatch {
  const { phase, ending } = Object.hasOwn(statuses, raw.status) ? statuses[raw.status]! : unknownStatus;
  const counts = raw.request_counts;
  const firstError = raw.errors?.data?.[0];
  return {
    id: raw.id,
    phase,
    providerStatus: raw.status,
    ending,
    failure:
      raw.status === 'failed'
        ? {
            code: firstError?.code ?? 'batch_failed',
            message: firstError?.message ?? 'the batch failed without a reason given',
          }
        : null,
    createdAt: raw.created_at * 1000,
    counts: {
      total: counts?.total ?? 0,
      succeeded: counts?.completed ?? 0,
      failed: counts?.failed ?? 0,
    },
    tag: tagOf(raw.metadata),
  };
}

export function tagOf(metadata: Record<string, string> | null | undefined): BatchTag | null {
  const jobId = metadata?.[metadataKeys.job];
  const chunkId = metadata?.[metadataKeys.chunk];
  return jobId !== undefined && chunkId !== undefined ? { jobId, chunkId } : null;
}
