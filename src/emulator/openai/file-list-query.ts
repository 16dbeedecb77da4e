import type { OpenAIErrorFields } from '../http-errors.js';

/**
 * The `limit` query parameter of OpenAI's cursor-paginated lists (`/v1/files`, `/v1/batches`),
 * checked the way OpenAI checks it, with its error messages.
 */
export function parseListLimit(
  raw: string | undefined,
  bounds: { fallback: number; maximum: number },
): { limit: number } | { error: OpenAIErrorFields } {
  if (raw === undefined || raw === '') return { limit: bounds.fallback };
  if (!/^-?\d+$/.test(raw)) {
    return {
      error: {
        message: `Invalid type for 'limit': expected an integer, but got a string instead.`,
        type: 'invalid_request_error',
        param: 'limit',
        code: 'invalid_type',
      },
    };
  }
  const limit = Number(raw);
  if (limit < 1) {
    return {
      error: {
        message: `Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${limit} instead.`,
        type: 'invalid_request_error',
        param: 'limit',
        code: 'integer_below_min_value',
      },
    };
  }
  if (limit > bounds.maximum) {
    return {
      error: {
        message: `Invalid 'limit': integer above maximum value. Expected a value <= ${bounds.maximum}, but got ${limit} instead.`,
        type: 'invalid_request_error',
        param: 'limit',
        code: 'integer_above_max_value',
      },
    };
  }
  return { limit };
}

/** A cursor page in OpenAI's list shape. */
export function listPage<T extends { id: string }>(data: T[], hasMore: boolean) {
  return {
    object: 'list' as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}
