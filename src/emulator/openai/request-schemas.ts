import { z } from 'zod';

/**
 * Request bodies of OpenAI's real-time endpoints, as the official SDK types them
 * (`openai/resources/{chat/completions,embeddings,responses}`). Fields the emulator does not act on
 * are still listed, so that a body OpenAI would accept is accepted, and one it would refuse for an
 * unknown parameter is refused. Schemas are built once, at import, so a batch of 50,000 lines only
 * pays for parsing.
 */

export const serviceTiers = ['auto', 'default', 'flex', 'scale', 'priority'] as const;
export type RequestedServiceTier = (typeof serviceTiers)[number];

const serviceTier = z.enum(serviceTiers).nullish();
const metadata = z.record(z.string(), z.string()).nullish();
const streamOptions = z
  .looseObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
  .nullish();
const typedPart = z.looseObject({ type: z.string() });
const textOrParts = z.union([z.string(), z.array(typedPart)]);

// Chat messages, one shape per role, as `ChatCompletionMessageParam` defines them.
const chatMessage = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('developer'), content: textOrParts, name: z.string().optional() }),
  z.looseObject({ role: z.literal('system'), content: textOrParts, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content: textOrParts, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: textOrParts.nullish(),
    name: z.string().optional(),
    refusal: z.string().nullish(),
    tool_calls: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content: textOrParts, tool_call_id: z.string() }),
  z.looseObject({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }),
]);
export type ChatMessage = z.output<typeof chatMessage>;

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(chatMessage).min(1),
  max_completion_tokens: z.int().min(1).nullish(),
  max_tokens: z.int().min(1).nullish(),
  n: z.int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
  service_tier: serviceTier,
  seed: z.int().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  metadata,
  store: z.boolean().nullish(),
  user: z.string().optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  parallel_tool_calls: z.boolean().optional(),
  tools: z.array(typedPart).optional(),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
});
export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;

/** Every top-level field of `ChatCompletionCreateParams` in openai v6. */
// biome-ignore format: one list, read as a list
export const chatCompletionParameters: ReadonlySet<string> = new Set([
  'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs',
  'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'moderation', 'n', 'parallel_tool_calls',
  'prediction', 'presence_penalty', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention',
  'reasoning_effort', 'response_format', 'safety_identifier', 'seed', 'service_tier', 'stop', 'store',
  'stream', 'stream_options', 'temperature', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user',
  'verbosity', 'web_search_options',
]);

// OpenAI takes at most 2,048 inputs per request, none of them empty.
const maxEmbeddingInputs = 2048;
const embeddingText = z.string().min(1);
const tokenArray = z.array(z.int().min(0)).min(1);
export const embeddingRequestSchema = z.looseObject({
  model: z.string(),
  input: z.union([
    embeddingText,
    z.array(embeddingText).min(1).max(maxEmbeddingInputs),
    tokenArray,
    z.array(tokenArray).min(1).max(maxEmbeddingInputs),
  ]),
  dimensions: z.int().min(1).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});
export type EmbeddingRequest = z.output<typeof embeddingRequestSchema>;

export const embeddingParameters: ReadonlySet<string> = new Set([
  'input',
  'model',
  'dimensions',
  'encoding_format',
  'user',
]);

// Responses input items. Messages are checked here; other item kinds (tool outputs, reasoning,
// references) only need a `type`, and feed the prompt as opaque text.
const responseInputItem = z.looseObject({
  type: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
  content: textOrParts.optional(),
});
export type ResponseInputItem = z.output<typeof responseInputItem>;

export const responseRequestSchema = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(responseInputItem)]),
  instructions: z.string().nullish(),
  // OpenAI refuses output budgets below 16 tokens on this endpoint.
  max_output_tokens: z.int().min(16).nullish(),
  service_tier: serviceTier,
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
  metadata,
  store: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  background: z.boolean().nullish(),
  user: z.string().optional(),
  tools: z.array(typedPart).optional(),
});
export type ResponseRequest = z.output<typeof responseRequestSchema>;

/** Every top-level field of `ResponseCreateParams` in openai v6. */
// biome-ignore format: one list, read as a list
export const responseParameters: ReadonlySet<string> = new Set([
  'background', 'context_management', 'conversation', 'include', 'input', 'instructions', 'max_output_tokens',
  'max_tool_calls', 'metadata', 'model', 'moderation', 'parallel_tool_calls', 'previous_response_id',
  'prompt', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention', 'reasoning',
  'safety_identifier', 'service_tier', 'store', 'stream', 'stream_options', 'temperature', 'text',
  'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation', 'user',
]);
