import { countTextTokens } from '../../core/tokens.js';
import { generateReply } from '../text.js';
import type { ContentBlockParam, MessageCreateParams, MessageParam } from './message-schemas.js';
import type { AnthropicModel } from './models-catalog.js';

/**
 * Runs one validated Messages API request without HTTP. The real-time route, its stream, and
 * every succeeded line of a message batch all build their message here, so the same input gives
 * the same text in every lane.
 */

export type ServiceTier = 'standard' | 'batch';
export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence';

/** A `Message` as the API returns it; every field the SDK's `Message` type requires is present. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Array<{ type: 'text'; text: string; citations: null }>;
  stop_reason: StopReason;
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  diagnostics: null;
  usage: AnthropicUsage;
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  server_tool_use: null;
  output_tokens_details: null;
  inference_geo: null;
  service_tier: ServiceTier;
  speed: null;
}

export interface CreateMessageOptions {
  id: string;
  seed: number;
  serviceTier: ServiceTier;
}

export function createMessage(
  params: MessageCreateParams,
  model: AnthropicModel,
  options: CreateMessageOptions,
): AnthropicMessage {
  const reply = generateReply(replyInput(params), options.seed, params.max_tokens);
  let text = reply.text;
  let stopReason: StopReason = reply.truncated ? 'max_tokens' : 'end_turn';
  let stopSequence: string | null = null;

  // A stop sequence ends generation where it first appears; the sequence itself is not returned.
  const stop = firstStopSequence(text, params.stop_sequences ?? []);
  if (stop) {
    text = text.slice(0, stop.index);
    stopReason = 'stop_sequence';
    stopSequence = stop.sequence;
  }
  // Cut by max_tokens, the API bills exactly max_tokens; otherwise what was generated.
  const outputTokens = stopReason === 'max_tokens' ? params.max_tokens : countTextTokens(text);

  return {
    id: options.id,
    type: 'message',
    role: 'assistant',
    model: model.id,
    content: text.length > 0 ? [{ type: 'text', text, citations: null }] : [],
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: usage(countInputTokens(params), outputTokens, options.serviceTier),
  };
}

export function usage(inputTokens: number, outputTokens: number, serviceTier: ServiceTier): AnthropicUsage {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    server_tool_use: null,
    output_tokens_details: null,
    inference_geo: null,
    service_tier: serviceTier,
    speed: null,
  };
}

/**
 * Input tokens, approximated: Anthropic does not publish its tokenizer, so text is counted with
 * o200k_base (core/tokens.ts). Counted: the system prompt, the text of every message (text blocks,
 * tool inputs as JSON, tool results), and tool definitions as JSON, plus 3 tokens of framing per
 * message as chat formats spend. Images and documents count nothing. Real counts differ by a few
 * percent; what matters to Spendwall is that they are stable and grow with the prompt.
 */
export function countInputTokens(params: MessageCreateParams): number {
  let total = countTextTokens(systemText(params));
  for (const message of params.messages) total += 3 + countTextTokens(messageText(message));
  if (params.tools && params.tools.length > 0) total += countTextTokens(JSON.stringify(params.tools));
  return total;
}

/**
 * What the reply is derived from: the conversation as text, so a string `content` and the same
 * text as one text block (which the API treats as equal) give the same reply.
 */
function replyInput(params: MessageCreateParams): unknown {
  return {
    system: systemText(params),
    messages: params.messages.map((message) => ({ role: message.role, content: messageText(message) })),
  };
}

function systemText(params: MessageCreateParams): string {
  if (params.system === undefined) return '';
  if (typeof params.system === 'string') return params.system;
  return params.system.map((block) => block.text).join('\n');
}

function messageText(message: MessageParam): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map(blockText).filter(Boolean).join('\n');
}

function blockText(block: ContentBlockParam): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'tool_use':
      return JSON.stringify(block.input ?? {});
    case 'tool_result': {
      const content = (block as { content?: unknown }).content;
      if (typeof content === 'string') return content;
      if (!Array.isArray(content)) return '';
      return content
        .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
        .join('\n');
    }
    default:
      return '';
  }
}

function firstStopSequence(
  text: string,
  sequences: readonly string[],
): { index: number; sequence: string } | null {
  let found: { index: number; sequence: string } | null = null;
  for (const sequence of sequences) {
    const index = text.indexOf(sequence);
    if (index >= 0 && (!found || index < found.index)) found = { index, sequence };
  }
  return found;
}
