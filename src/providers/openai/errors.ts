import { z } from 'zod';
import type { ErrorReader } from '../http.js';

/** OpenAI's error body: `{ error: { message, type, param, code } }`; `code` may be null. */
const errorBodySchema = z.object({
  error: z.object({
    message: z.string().nullish(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

/** The message and the most specific code OpenAI gives (`code`, else `type`). */
export const readOpenAIError: ErrorReader = (body) => {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return { message: JSON.stringify(body).slice(0, 500), code: null };
  const { message, type, code } = parsed.data.error;
  return {
    message: message ?? type ?? 'no message',
    code: code === null || code === undefined ? (type ?? null) : String(code),
  };
};
