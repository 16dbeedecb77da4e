import { randomToken, seededRandom, shuffled } from '../../core/random.js';
import { type AnthropicBatch, requestCounts } from './batch-lifecycle.js';
import { createMessage } from './create-message.js';

/** The JSON shapes of message batches: the batch object and the lines of its results file. */

export function batchObject(batch: AnthropicBatch, apiBaseUrl: string) {
  const ended = batch.status === 'ended';
  return {
    id: batch.id,
    type: 'message_batch' as const,
    processing_status: batch.status,
    request_counts: requestCounts(batch),
    ended_at: timestamp(batch.endedAt),
    created_at: timestamp(batch.createdAt)!,
    expires_at: timestamp(batch.expiresAt)!,
    archived_at: null,
    cancel_initiated_at: timestamp(batch.cancelInitiatedAt),
    results_url: ended ? resultsUrl(apiBaseUrl, batch.id) : null,
  };
}

export function resultsUrl(apiBaseUrl: string, batchId: string): string {
  return `${apiBaseUrl}/v1/messages/batches/${batchId}/results`;
}

/**
 * The lines of an ended batch's results file, in a seeded shuffled order (Anthropic promises no
 * order; clients must join on custom_id). Messages are built as the lines are written, so a large
 * batch's results are never all in memory at once, and their ids are derived from the batch and
 * custom_id so every download of the file is identical.
 */
export function* resultLines(batch: AnthropicBatch, seed: number): Generator<string> {
  const outcomes = batch.outcomes ?? [];
  const order = shuffled(
    outcomes.map((_, index) => index),
    seededRandom(`anthropic:results:${seed}:${batch.id}`),
  );
  for (const index of order) {
    const outcome = outcomes[index]!;
    const customId = batch.requests[index]!.customId;
    yield `${JSON.stringify({ custom_id: customId, result: resultBody(batch, customId, outcome, seed) })}\n`;
  }
}

function resultBody(
  batch: AnthropicBatch,
  customId: string,
  outcome: NonNullable<AnthropicBatch['outcomes']>[number],
  seed: number,
) {
  switch (outcome.type) {
    case 'succeeded': {
      const id = `msg_01${randomToken(seededRandom(`anthropic:message-id:${seed}:${batch.id}:${customId}`), 22)}`;
      return {
        type: 'succeeded' as const,
        message: createMessage(outcome.params, outcome.model, { id, seed, serviceTier: 'batch' }),
      };
    }
    case 'errored':
      // An ErrorResponse, as the SDK's MessageBatchErroredResult nests it; no HTTP request, so no request_id.
      return {
        type: 'errored' as const,
        error: {
          type: 'error',
          error: { type: outcome.errorType, message: outcome.message },
          request_id: null,
        },
      };
    default:
      return { type: outcome.type };
  }
}

/** RFC 3339, as Anthropic reports batch times. */
function timestamp(milliseconds: number | null): string | null {
  return milliseconds === null ? null : new Date(milliseconds).toISOString();
}
