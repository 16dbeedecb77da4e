import { z } from 'zod';
import type { ErrorReader } from '../http.js';

/** Anthropic's error body: `{ type: "error", error: { type, message }, request_id }`. */
const errorBodySchema = z.object({
  error: z.object({ type: z.string(), message: z.string().nullish() }),
});

/** The message and Anthropic's error type (`rate_limit_error`, `invalid_request_error`, …) as the code. */
export const readAnthropicError: ErrorReader = (body) => {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return { message: JSON.stringify(body).slice(0, 500), code: null };
  const { type, message } = parsed.data.error;
  return { message: message ?? type, code: type };
};
