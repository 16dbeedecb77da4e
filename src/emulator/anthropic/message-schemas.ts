import { z } from 'zod';
import type { AnthropicErrorType } from '../http-errors.js';
import { type AnthropicModel, findAnthropicModel } from './models-catalog.js';
import { describeIssue } from './validation-messages.js';

/**
 * The body of `POST /v1/messages`, as the official SDK types describe it
 * (`MessageCreateParamsBase` in @anthropic-ai/sdk). Fields the emulator does not act on (tools,
 * thinking, containers…) are accepted as they are, so real requests pass; fields the API does not
 * know are refused with `Extra inputs are not permitted`, as the API does.
 */

const cacheControl = z.unknown().optional();

const textBlock = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.unknown().optional(),
});

const sourcedBlock = (type: 'image' | 'document') =>
  z.looseObject({ type: z.literal(type), source: z.looseObject({ type: z.string() }) });

/** Block types the emulator accepts without looking inside: it never executes tools or reads files. */
const passThroughBlockTypes = [
  'search_result',
  'thinking',
  'redacted_thinking',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'container_upload',
] as const;

const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  sourcedBlock('image'),
  sourcedBlock('document'),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.looseObject({ type: z.literal('tool_result'), tool_use_id: z.string() }),
  ...passThroughBlockTypes.map((type) => z.looseObject({ type: z.literal(type) })),
]);

const messageParam = z.strictObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

export const messageCreateParamsSchema = z.strictObject({
  model: z.string(),
  max_tokens: z.int().min(0),
  messages: z.array(messageParam).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  metadata: z.strictObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
  // Sampling parameters: gone from the newest SDK types but still accepted by the API.
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  // Accepted and ignored: the emulator answers with text only.
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  thinking: z.unknown().optional(),
  container: z.unknown().optional(),
  output_config: z.unknown().optional(),
  inference_geo: z.string().nullable().optional(),
  speed: z.enum(['standard', 'fast']).nullable().optional(),
  cache_control: cacheControl,
  diagnostics: z.unknown().optional(),
  context_management: z.unknown().optional(),
  mcp_servers: z.array(z.unknown()).optional(),
});

export type MessageCreateParams = z.output<typeof messageCreateParamsSchema>;
export type MessageParam = MessageCreateParams['messages'][number];
export type ContentBlockParam = Exclude<MessageParam['content'], string>[number];

/** A refusal in Anthropic's terms: the HTTP status and the `error` object of the body. */
export interface MessageRefusal {
  status: 400 | 404;
  type: Extract<AnthropicErrorType, 'invalid_request_error' | 'not_found_error'>;
  message: string;
}

export type MessageValidation =
  | { ok: true; params: MessageCreateParams; model: AnthropicModel }
  | { ok: false; refusal: MessageRefusal };

export interface ValidationContext {
  /** Inside a message batch, where streaming and `max_tokens: 0` are not available. */
  inBatch?: boolean;
  /** Prefix for error paths (`requests.3.params`), empty for the Messages API. */
  prefix?: readonly PropertyKey[];
}

/** Validates a Messages API body the way the API does: shape first, then the rules between fields. */
export function validateMessageParams(body: unknown, context: ValidationContext = {}): MessageValidation {
  const prefix = context.prefix ?? [];
  const parsed = messageCreateParamsSchema.safeParse(body);
  if (!parsed.success) {
    return invalid(describeIssue(parsed.error.issues[0]!, body, prefix));
  }
  const params = parsed.data;
  const place = (path: string) => [...prefix.map(String), path].join('.');

  const ruleBroken = conversationRuleBroken(params, place);
  if (ruleBroken) return invalid(ruleBroken);

  if (context.inBatch && params.stream) {
    return invalid(`${place('stream')}: streaming is not supported for requests in a message batch`);
  }
  if (context.inBatch && params.max_tokens === 0) {
    return invalid(
      `${place('max_tokens')}: max_tokens must be at least 1 in a message batch (cache pre-warming is not supported)`,
    );
  }

  const model = findAnthropicModel(params.model);
  if (!model)
    return {
      ok: false,
      refusal: { status: 404, type: 'not_found_error', message: `model: ${params.model}` },
    };
  if (params.max_tokens > model.maxOutputTokens) {
    return invalid(
      `${place('max_tokens')}: ${params.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`,
    );
  }
  return { ok: true, params, model };
}

/**
 * Rules that tie fields together. Consecutive turns of one role are allowed (the API combines
 * them, as the SDK documents); the conversation must still open with the user, and only a final
 * assistant turn (a prefill) may be empty.
 */
function conversationRuleBroken(params: MessageCreateParams, place: (path: string) => string): string | null {
  const firstTurn = params.messages.find((message) => message.role !== 'system');
  if (firstTurn?.role !== 'user') return `${place('messages')}: first message must use the "user" role`;

  const lastIndex = params.messages.length - 1;
  for (const [index, message] of params.messages.entries()) {
    const isPrefill = index === lastIndex && message.role === 'assistant';
    const empty =
      typeof message.content === 'string' ? message.content.length === 0 : message.content.length === 0;
    if (empty && !isPrefill) {
      return `${place(`messages.${index}`)}: all messages must have non-empty content except for the optional final assistant message`;
    }
    if (typeof message.content === 'string') continue;
    for (const [blockIndex, block] of message.content.entries()) {
      if (block.type === 'text' && block.text.length === 0) {
        return `${place('messages')}: text content blocks must be non-empty`;
      }
      if (message.role === 'system' && block.type !== 'text') {
        return `${place(`messages.${index}.content.${blockIndex}.type`)}: system messages accept only text blocks`;
      }
    }
  }
  if (Array.isArray(params.system) && params.system.some((block) => block.text.length === 0)) {
    return `${place('system')}: text content blocks must be non-empty`;
  }
  if (params.stop_sequences?.some((sequence) => sequence.trim().length === 0)) {
    return `${place('stop_sequences')}: each stop sequence must contain non-whitespace`;
  }
  return null;
}

function invalid(message: string): MessageValidation {
  return { ok: false, refusal: { status: 400, type: 'invalid_request_error', message } };
}
