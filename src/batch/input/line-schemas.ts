import { z } from 'zod';
import { type InputEndpoint, openAiEndpoints } from './types.js';

/**
 * The zod schemas a job line is checked against, built once at load time (building a schema per
 * line would cost more than parsing the line). They check what the engine relies on — ids, the
 * model, and the fields that decide the endpoint and the token estimate — and let every other
 * field through untouched for the provider to judge. Each `error` text is the "expected …" half of
 * a reject reason; describe-issue.ts adds the field path and what the line actually held.
 */

/** Long enough for any id people derive from their own keys; the engine maps ids for providers. */
export const maxCustomIdLength = 512;

const customIdExpectation = `expected a non-empty string of at most ${maxCustomIdLength} characters`;

const customIdSchema = z
  .string({ error: customIdExpectation })
  .min(1, { error: customIdExpectation })
  .max(maxCustomIdLength, { error: customIdExpectation });

const modelSchema = z.string({ error: 'expected a string' });

const textOrListSchema = z.union([z.string(), z.array(z.unknown())], {
  error: 'expected a string or an array',
});

const messagesSchema = z.array(z.looseObject({}, { error: 'expected an object' }), {
  error: 'expected an array',
});

const positiveIntegerSchema = z
  .number({ error: 'expected a positive integer' })
  .int({ error: 'expected a positive integer' })
  .positive({ error: 'expected a positive integer' });

/** Any request body: an object naming its model. Enough to pick the endpoint of a bare body. */
export const requestBodySchema = z.looseObject({ model: modelSchema }, { error: 'expected a JSON object' });

const chatBodySchema = z.looseObject({ model: modelSchema, messages: messagesSchema });

const embeddingsBodySchema = z.looseObject({ model: modelSchema, input: textOrListSchema });

const responsesBodySchema = z.looseObject({
  model: modelSchema,
  input: textOrListSchema.optional(),
  instructions: z.string({ error: 'expected a string' }).nullable().optional(),
});

const completionsBodySchema = z.looseObject({ model: modelSchema, prompt: textOrListSchema });

const moderationsBodySchema = z.looseObject({ model: modelSchema, input: textOrListSchema });

export const anthropicParamsSchema = z.looseObject(
  {
    model: modelSchema,
    max_tokens: positiveIntegerSchema,
    messages: messagesSchema,
    system: textOrListSchema.optional(),
  },
  { error: 'expected a JSON object' },
);

export const bodySchemas: Record<InputEndpoint, z.ZodType> = {
  '/v1/chat/completions': chatBodySchema,
  '/v1/embeddings': embeddingsBodySchema,
  '/v1/responses': responsesBodySchema,
  '/v1/completions': completionsBodySchema,
  '/v1/moderations': moderationsBodySchema,
  '/v1/messages': anthropicParamsSchema,
};

/** The envelope of an OpenAI batch line; the body is checked against its endpoint's schema after. */
export const openAiBatchLineSchema = z.looseObject({
  custom_id: customIdSchema,
  method: z.literal('POST', { error: 'expected "POST"' }),
  url: z.enum(openAiEndpoints, { error: `expected one of ${openAiEndpoints.join(', ')}` }),
  body: requestBodySchema,
});

export const anthropicBatchLineSchema = z.looseObject({
  custom_id: customIdSchema,
  params: anthropicParamsSchema,
});
