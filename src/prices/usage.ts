import { z } from 'zod';
import type { Usage } from './types.js';

/**
 * Token counts from provider response bodies, turned into Spendwall's one convention (see
 * `Usage`). Bodies come from outside, so they are validated; a body without a usable `usage`
 * gives `undefined`, and the caller records the cost as unknown rather than zero.
 */

const tokenCount = z.number().int().min(0);
const optionalCount = tokenCount.nullish().transform((value) => value ?? 0);

/** Chat completions and embeddings: `prompt_tokens` includes the cached ones. */
const chatUsageSchema = z.object({
  prompt_tokens: tokenCount,
  // Embeddings have no completion; their usage is `{ prompt_tokens, total_tokens }`.
  completion_tokens: optionalCount,
  prompt_tokens_details: z.object({ cached_tokens: optionalCount }).nullish(),
});

/** Responses API: `input_tokens` includes the cached ones, like chat completions. */
const responsesUsageSchema = z.object({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  input_tokens_details: z.object({ cached_tokens: optionalCount }).nullish(),
});

/** Anthropic: `input_tokens` excludes cache reads and writes, which are counted beside it. */
const anthropicUsageSchema = z.object({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  cache_creation_input_tokens: optionalCount,
  cache_read_input_tokens: optionalCount,
  // The split of cache writes by lifetime, present when the API reports it.
  cache_creation: z
    .object({ ephemeral_5m_input_tokens: optionalCount, ephemeral_1h_input_tokens: optionalCount })
    .nullish(),
});

const bodyWithUsage = z.object({ usage: z.unknown() });

/**
 * Usage from an OpenAI response body: a chat completion (or its last streamed chunk), an
 * embeddings response, or a Responses API response. Reasoning tokens are part of the output
 * count and billed as output. For a batch output line, pass `line.response.body`.
 */
export function usageFromOpenAIBody(body: unknown): Usage | undefined {
  const usage = bodyWithUsage.safeParse(body).data?.usage;
  const chat = chatUsageSchema.safeParse(usage);
  if (chat.success) {
    return {
      inputTokens: chat.data.prompt_tokens,
      cachedInputTokens: chat.data.prompt_tokens_details?.cached_tokens ?? 0,
      outputTokens: chat.data.completion_tokens,
    };
  }
  const responses = responsesUsageSchema.safeParse(usage);
  if (responses.success) {
    return {
      inputTokens: responses.data.input_tokens,
      cachedInputTokens: responses.data.input_tokens_details?.cached_tokens ?? 0,
      outputTokens: responses.data.output_tokens,
    };
  }
  return undefined;
}

/**
 * Usage from an Anthropic message (a Messages API response, or `result.message` of a succeeded
 * batch result). Cache reads and writes are added to `inputTokens`, so that `inputTokens` means
 * every input token, as it does for OpenAI.
 */
export function usageFromAnthropicMessage(message: unknown): Usage | undefined {
  const parsed = anthropicUsageSchema.safeParse(bodyWithUsage.safeParse(message).data?.usage);
  if (!parsed.success) return undefined;
  const usage = parsed.data;
  const written = usage.cache_creation_input_tokens;
  // Trust the split only when it adds up; otherwise price every write at the 5-minute rate,
  // the default lifetime, rather than invent a split.
  const split = usage.cache_creation;
  const splitAddsUp =
    split !== null &&
    split !== undefined &&
    split.ephemeral_5m_input_tokens + split.ephemeral_1h_input_tokens === written;
  return {
    inputTokens: usage.input_tokens + usage.cache_read_input_tokens + written,
    cachedInputTokens: usage.cache_read_input_tokens,
    cacheCreationInputTokens: written,
    ...(splitAddsUp && split.ephemeral_1h_input_tokens > 0
      ? { cacheCreation1hInputTokens: split.ephemeral_1h_input_tokens }
      : {}),
    outputTokens: usage.output_tokens,
  };
}
