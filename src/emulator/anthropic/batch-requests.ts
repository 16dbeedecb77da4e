import { z } from 'zod';
import type { BatchRequest } from './batch-lifecycle.js';
import { describeIssue } from './validation-messages.js';

/**
 * What `POST /v1/messages/batches` checks when the batch is created: the list of requests, each
 * custom_id, and that each params is an object. What is inside params is checked per request
 * only when it is processed, as Anthropic documents; a bad one ends `errored`, not the batch.
 */

export const customIdPattern = /^[a-zA-Z0-9_-]{1,64}$/;

function createBodySchema(maxRequests: number) {
  return z.strictObject({
    requests: z
      .array(
        z.strictObject({
          custom_id: z.string().regex(customIdPattern),
          params: z.record(z.string(), z.unknown()),
        }),
      )
      .min(1)
      .max(maxRequests),
  });
}

export type BatchCreation = { ok: true; requests: BatchRequest[] } | { ok: false; message: string };

export function parseBatchCreation(body: unknown, maxRequests: number): BatchCreation {
  const parsed = createBodySchema(maxRequests).safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssue(parsed.error.issues[0]!, body) };
  const firstIndex = new Map<string, number>();
  for (const [index, request] of parsed.data.requests.entries()) {
    const earlier = firstIndex.get(request.custom_id);
    if (earlier !== undefined) {
      return {
        ok: false,
        message: `requests.${index}.custom_id: '${request.custom_id}' is already used by requests.${earlier}; each custom_id must be unique within the batch`,
      };
    }
    firstIndex.set(request.custom_id, index);
  }
  return {
    ok: true,
    requests: parsed.data.requests.map((request) => ({
      customId: request.custom_id,
      params: request.params,
    })),
  };
}

export interface ListQuery {
  limit: number;
  beforeId: string | undefined;
  afterId: string | undefined;
}

/** `limit` (1–1000, default 20) and at most one of the cursors `before_id` / `after_id`. */
export function parseListQuery(
  query: Record<string, string>,
): { ok: true; query: ListQuery } | { ok: false; message: string } {
  let limit = 20;
  if (query['limit'] !== undefined) {
    if (!/^\d+$/.test(query['limit'])) {
      return {
        ok: false,
        message: 'limit: Input should be a valid integer, unable to parse string as an integer',
      };
    }
    limit = Number(query['limit']);
    if (limit < 1) return { ok: false, message: 'limit: Input should be greater than or equal to 1' };
    if (limit > 1000) return { ok: false, message: 'limit: Input should be less than or equal to 1000' };
  }
  const beforeId = query['before_id'] || undefined;
  const afterId = query['after_id'] || undefined;
  if (beforeId && afterId) return { ok: false, message: 'before_id: cannot be combined with after_id' };
  return { ok: true, query: { limit, beforeId, afterId } };
}
