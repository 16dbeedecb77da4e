import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { countChatPromptTokens } from '../../core/tokens.js';
import type { EmulatorContext } from '../context.js';
import { streamPieces } from '../text.js';
import { lookUpModel, systemFingerprint } from './model-lookup.js';
import type { OpenAIModel } from './models-catalog.js';
import { type Answer, answer, promptMessages } from './reply.js';
import { type Checked, type LineOutcome, streamOptionsWithoutStream } from './request-errors.js';
import {
  type ChatCompletionRequest,
  chatCompletionParameters,
  chatCompletionRequestSchema,
} from './request-schemas.js';
import { resolveServiceTier, type ServedServiceTier } from './service-tier.js';
import { validateBody } from './validation.js';

/** `POST /v1/chat/completions`: validation, the completion, and its stream of chunks. */

export interface PreparedChatCompletion {
  request: ChatCompletionRequest;
  model: OpenAIModel;
  serviceTier: ServedServiceTier;
}

/** Everything OpenAI checks before generating: the body, the model, the tier. */
export function prepareChatCompletion(body: unknown): Checked<PreparedChatCompletion> {
  const validated = validateBody(chatCompletionRequestSchema, body, chatCompletionParameters, 'chat');
  if (!validated.ok) return validated;
  const request = validated.value;
  const streamOptions = streamOptionsWithoutStream(request);
  if (streamOptions) return streamOptions;
  const model = lookUpModel(request.model, '/v1/chat/completions');
  if (!model.ok) return model;
  const serviceTier = resolveServiceTier(model.value, request.service_tier);
  if (!serviceTier.ok) return serviceTier;
  return { ok: true, value: { request, model: model.value, serviceTier: serviceTier.value } };
}

/** The `chat.completion` object: `n` deterministic choices and the usage OpenAI would bill. */
export function buildChatCompletion(context: EmulatorContext, prepared: PreparedChatCompletion) {
  const { request, model, serviceTier } = prepared;
  const messages = promptMessages(request.messages);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  let completionTokens = 0;
  const choices = Array.from({ length: request.n ?? 1 }, (_, index) => {
    const reply = answer(messages, context.options.seed, {
      maxTokens,
      stop: request.stop,
      choice: index,
      requestSeed: request.seed,
    });
    completionTokens += reply.tokens;
    return {
      index,
      message: { role: 'assistant' as const, content: reply.text, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: reply.finish,
    };
  });
  const promptTokens = countChatPromptTokens(request.messages);
  return {
    id: context.ids.next('chatcmpl-', 29),
    object: 'chat.completion' as const,
    created: context.clock.nowSeconds(),
    model: request.model,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: serviceTier,
    system_fingerprint: systemFingerprint(model, context.options.seed),
  } satisfies ChatCompletion;
}

export type ChatCompletionBody = ReturnType<typeof buildChatCompletion>;

/**
 * The completion as OpenAI streams it: per choice a role delta, content deltas of a word or two,
 * and a finish delta; with `include_usage`, every chunk carries `usage: null` and a last chunk with
 * no choices carries the usage. Derived from the finished completion, so the streamed text is
 * exactly the text a non-streamed call returns.
 */
export function* chatCompletionChunks(completion: ChatCompletionBody, includeUsage: boolean) {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
    service_tier: completion.service_tier,
    system_fingerprint: completion.system_fingerprint,
    ...(includeUsage ? { usage: null } : {}),
  };
  const chunk = (index: number, delta: ChunkDelta, finish: Answer['finish'] | null) =>
    ({
      ...base,
      choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    }) satisfies ChatCompletionChunk;

  for (const choice of completion.choices) {
    yield chunk(choice.index, { role: 'assistant', content: '', refusal: null }, null);
    for (const piece of streamPieces(choice.message.content))
      yield chunk(choice.index, { content: piece }, null);
    yield chunk(choice.index, {}, choice.finish_reason);
  }
  if (includeUsage) yield { ...base, choices: [], usage: completion.usage } satisfies ChatCompletionChunk;
}

/** What a chunk's `delta` can carry here (the SDK's type also has tool calls, never emitted). */
interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  refusal?: null;
}

/** One chat completion without HTTP, for batch lines: the same checks and the same body. */
export function executeChatCompletion(context: EmulatorContext, body: unknown): LineOutcome {
  const prepared = prepareChatCompletion(body);
  if (!prepared.ok) return prepared.outcome;
  return { statusCode: 200, body: buildChatCompletion(context, prepared.value) };
}
