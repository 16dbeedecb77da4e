import { z } from 'zod';
import type { BatchPhase, ProviderBatch } from '../provider.js';

const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an RFC 3339 time');

/**
 * Anthropic's MessageBatch object, checked for the fields Spendwall reads. `processing_status`
 * is any string, so a status added later is read as `unknown` instead of failing the poll.
 */
export const anthropicBatchSchema = z.looseObject({
  id: z.string(),
  processing_status: z.string(),
  request_counts: z.object({
    processing: z.number(),
    succeeded: z.number(),
    errored: z.number(),
    canceled: z.number(),
    expired: z.number(),
  }),
  created_at: timestamp,
  cancel_initiated_at: timestamp.nullish(),
  ended_at: timestamp.nullish(),
  results_url: z.string().nullish(),
});
export type AnthropicBatchObject = z.output<typeof anthropicBatchSchema>;

export const anthropicBatchListSchema = z.object({
  data: z.array(anthropicBatchSchema),
  has_more: z.boolean(),
  last_id: z.string().nullish(),
});

const phases = new Map<string, BatchPhase>([
  ['in_progress', 'running'],
  ['canceling', 'cancelling'],
  ['ended', 'ended'],
]);

export function requestTotal(raw: AnthropicBatchObject): number {
  const counts = raw.request_counts;
  return counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
}

export function toProviderBatch(raw: AnthropicBatchObject): ProviderBatch {
  // Never `ended` for a status not listed: results are only read from a batch known to be over.
  const phase = phases.get(raw.processing_status) ?? 'unknown';
  const counts = raw.request_counts;
  return {
    id: raw.id,
    phase,
    providerStatus: raw.processing_status,
    ending: phase === 'ended' ? endingOf(raw) : null,
    // Anthropic fails lines, never a whole batch once it was accepted.
    failure: null,
    createdAt: Date.parse(raw.created_at),
    counts: {
      total: requestTotal(raw),
      succeeded: counts.succeeded,
      failed: counts.errored + counts.canceled + counts.expired,
    },
    // No metadata: Anthropic batches cannot carry Spendwall's tag (see find.ts).
    tag: null,
  };
}

/**
 * Anthropic reports no ending, only per-line counts. A cancel that was asked for makes it
 * `cancelled`. Lines expire only when the 24-hour window closes on them, so any expired line means
 * the batch ran out of time: `expired`, as OpenAI reports a batch that kept part of its lines.
 */
function endingOf(raw: AnthropicBatchObject): ProviderBatch['ending'] {
  if (raw.cancel_initiated_at) return 'cancelled';
  if (raw.request_counts.expired > 0) return 'expired';
  return 'completed';
}
