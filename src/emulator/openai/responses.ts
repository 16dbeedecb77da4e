import type { Response, ResponseOutputMessage, ResponseUsage } from 'openai/resources/responses/responses';
import { countChatPromptTokens } from '../../core/tokens.js';
import type { EmulatorContext } from '../context.js';
import { streamPieces } from '../text.js';
import { lookUpModel } from './model-lookup.js';
import type { OpenAIModel } from './models-catalog.js';
import { answer, type PromptMessage, promptMessages } from './reply.js';
import {
  type Checked,
  invalidRequest,
  type LineOutcome,
  missingParameter,
  streamOptionsWithoutStream,
} from './request-errors.js';
import {
  type ResponseInputItem,
  type ResponseRequest,
  responseParameters,
  responseRequestSchema,
} from './request-schemas.js';
import { resolveServiceTier, type ServedServiceTier } from './service-tier.js';
import { validateBody } from './validation.js';

/** `POST /v1/responses`, text in and text out: the response object and its stream of events. */

export interface PreparedResponse {
  request: ResponseRequest;
  model: OpenAIModel;
  serviceTier: ServedServiceTier;
  /** The conversation the answer is generated from, `instructions` first. */
  messages: PromptMessage[];
}

export function prepareResponse(body: unknown): Checked<PreparedResponse> {
  const validated = validateBody(responseRequestSchema, body, responseParameters, 'responses');
  if (!validated.ok) return validated;
  const request = validated.value;
  const streamOptions = streamOptionsWithoutStream(request);
  if (streamOptions) return streamOptions;
  // The emulator keeps no responses, so a reference to an earlier one cannot be found.
  if (request.previous_response_id != null) {
    return invalidRequest(
      `Previous response with id '${request.previous_response_id}' not found.`,
      'previous_response_id',
      'previous_response_not_found',
    );
  }
  const items =
    typeof request.input === 'string' ? [{ role: 'user' as const, content: request.input }] : request.input;
  for (const [index, item] of items.entries()) {
    const isMessage = item.type === undefined || item.type === 'message';
    if (isMessage && item.role === undefined) return missingParameter(`input[${index}].role`);
    if (isMessage && item.content === undefined) return missingParameter(`input[${index}].content`);
  }
  const model = lookUpModel(request.model, '/v1/responses');
  if (!model.ok) return model;
  const serviceTier = resolveServiceTier(model.value, request.service_tier);
  if (!serviceTier.ok) return serviceTier;
  const instructions = request.instructions ? [{ role: 'system', content: request.instructions }] : [];
  const messages = [...instructions, ...promptMessages(items.map(itemAsMessage))];
  return { ok: true, value: { request, model: model.value, serviceTier: serviceTier.value, messages } };
}

/** Tool outputs and other non-message items still reach the model as text. */
function itemAsMessage(item: ResponseInputItem): { role: string; content: unknown } {
  if (item.role !== undefined) return { role: item.role, content: item.content };
  const output = (item as Record<string, unknown>)['output'];
  return {
    role: item.type ?? 'message',
    content: typeof output === 'string' ? output : JSON.stringify(item),
  };
}

export function buildResponse(context: EmulatorContext, prepared: PreparedResponse) {
  const { request, messages, serviceTier } = prepared;
  const reply = answer(messages, context.options.seed, { maxTokens: request.max_output_tokens });
  const complete = reply.finish === 'stop';
  const inputTokens = countChatPromptTokens(messages);
  const message = {
    id: context.ids.next('msg_', 48),
    type: 'message' as const,
    status: complete ? ('completed' as const) : ('incomplete' as const),
    role: 'assistant' as const,
    content: [{ type: 'output_text' as const, text: reply.text, annotations: [], logprobs: [] }],
  } satisfies ResponseOutputMessage;
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: reply.tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + reply.tokens,
  } satisfies ResponseUsage;
  const createdAt = context.clock.nowSeconds();
  return {
    id: context.ids.next('resp_', 48),
    object: 'response' as const,
    created_at: createdAt,
    status: complete ? ('completed' as const) : ('incomplete' as const),
    background: request.background ?? false,
    completed_at: complete ? createdAt : null,
    error: null,
    incomplete_details: complete ? null : { reason: 'max_output_tokens' as const },
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output: [message],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: serviceTier,
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' as const }, verbosity: 'medium' as const },
    tool_choice: 'auto' as const,
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? ('disabled' as const),
    usage,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
    // Echoed as sent; the emulator never calls tools, so their exact shapes do not matter here.
    tools: request.tools ?? [],
  } satisfies Omit<Response, 'output_text' | 'tools' | 'user'> & {
    user: string | null;
    store: boolean;
    tools: unknown[];
  };
}

export type ResponseBody = ReturnType<typeof buildResponse>;

/**
 * The response as OpenAI streams it: `response.created` and `response.in_progress` with no output
 * yet, the message item and its text part opened, text deltas, then everything closed and
 * `response.completed` (or `response.incomplete`) with the full response. Derived from the finished
 * response, so the streamed text is exactly the text a non-streamed call returns.
 */
export function* responseStreamEvents(response: ResponseBody) {
  let sequence = 0;
  const event = <Type extends string, Fields extends object>(type: Type, fields: Fields) => ({
    type,
    sequence_number: sequence++,
    ...fields,
  });
  const pending = {
    ...response,
    status: 'in_progress' as const,
    completed_at: null,
    output: [],
    usage: null,
  };
  yield event('response.created', { response: { ...pending, incomplete_details: null } });
  yield event('response.in_progress', { response: { ...pending, incomplete_details: null } });
  for (const [outputIndex, item] of response.output.entries()) {
    const at = { item_id: item.id, output_index: outputIndex };
    yield event('response.output_item.added', {
      output_index: outputIndex,
      item: { ...item, status: 'in_progress', content: [] },
    });
    for (const [contentIndex, part] of item.content.entries()) {
      const place = { ...at, content_index: contentIndex };
      yield event('response.content_part.added', { ...place, part: { ...part, text: '' } });
      for (const delta of streamPieces(part.text)) {
        yield event('response.output_text.delta', { ...place, delta, logprobs: [] });
      }
      yield event('response.output_text.done', { ...place, text: part.text, logprobs: [] });
      yield event('response.content_part.done', { ...place, part });
    }
    yield event('response.output_item.done', { output_index: outputIndex, item });
  }
  const finished = response.status === 'completed' ? 'response.completed' : 'response.incomplete';
  yield event(finished, { response });
}

/** One response without HTTP, for batch lines: the same checks and the same body. */
export function executeResponse(context: EmulatorContext, body: unknown): LineOutcome {
  const prepared = prepareResponse(body);
  if (!prepared.ok) return prepared.outcome;
  return { statusCode: 200, body: buildResponse(context, prepared.value) };
}
