import {
  contentText,
  countChatPromptTokens,
  countEmbeddingTokens,
  countTextTokens,
} from '../../core/tokens.js';
import type { InputEndpoint } from './types.js';

/**
 * Input tokens of a validated request body, with the real tokenizer. The engine sums these against
 * each provider's per-model enqueued-token limit, so they follow the providers' own counting where
 * it is documented (chat framing) and count every text the model reads elsewhere. Bodies reach
 * here already checked by line-schemas.ts, so the shapes below are the ones those schemas allow.
 */
export function estimateInputTokens(endpoint: InputEndpoint, body: Record<string, unknown>): number {
  return countInputTokens(endpoint, body, countTextTokens);
}

/**
 * An upper bound of estimateInputTokens, for a fraction of its cost: every token of o200k_base
 * and of cl100k_base stands for at least one byte of UTF-8, so a text's bytes bound its tokens.
 * Stored at ingest, it is all packing needs for a model without an enqueued-token limit; a model
 * with one is counted exactly when it is packed (pack.ts).
 */
export function inputTokensUpperBound(endpoint: InputEndpoint, body: Record<string, unknown>): number {
  return countInputTokens(endpoint, body, utf8Bytes);
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

type TextCounter = (text: string) => number;

function countInputTokens(
  endpoint: InputEndpoint,
  body: Record<string, unknown>,
  count: TextCounter,
): number {
  switch (endpoint) {
    case '/v1/chat/completions':
      return chatPromptTokens(body['messages'] as MessageList, count);
    case '/v1/messages':
      // Anthropic frames messages like OpenAI chat; the system prompt rides outside them.
      return (
        chatPromptTokens(body['messages'] as MessageList, count) +
        textTokens(contentText(body['system']), count)
      );
    case '/v1/responses':
      return textTokens(body['instructions'], count) + responsesInputTokens(body['input'], count);
    case '/v1/embeddings':
      // OpenAI's embedding models count with cl100k_base (the byte bound holds for it too).
      return inputListTokens(body['input'], count === countTextTokens ? countEmbeddingTokens : count);
    case '/v1/moderations':
      return inputListTokens(body['input'], count);
    case '/v1/completions':
      return inputListTokens(body['prompt'], count);
  }
}

type MessageList = ReadonlyArray<{ content?: unknown; name?: unknown }>;

function chatPromptTokens(messages: MessageList, count: TextCounter): number {
  if (count === countTextTokens) return countChatPromptTokens(messages);
  // The framing of countChatPromptTokens, with `count` for the texts.
  let total = 3;
  for (const message of messages) {
    total += 3 + count(contentText(message.content));
    if (typeof message.name === 'string') total += 1 + count(message.name);
  }
  return total;
}

function textTokens(value: unknown, count: TextCounter): number {
  return typeof value === 'string' ? count(value) : 0;
}

/** Responses input: a string, or items that are messages (with `content`) or tool outputs. */
function responsesInputTokens(input: unknown, count: TextCounter): number {
  if (typeof input === 'string') return textTokens(input, count);
  if (!Array.isArray(input)) return 0;
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += textTokens(item, count);
    else if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      total += textTokens(contentText(record['content']), count) + textTokens(record['output'], count);
    }
  }
  return total;
}

/**
 * Embeddings, moderations and completions inputs: a string, a list of strings, a list of token
 * ids (already tokens: each counts one), or a list of such lists. Typed parts (moderations'
 * images and text) count their text.
 */
function inputListTokens(input: unknown, count: TextCounter): number {
  if (typeof input === 'string') return textTokens(input, count);
  if (typeof input === 'number') return 1;
  if (Array.isArray(input)) {
    let total = 0;
    for (const item of input) total += inputListTokens(item, count);
    return total;
  }
  if (input !== null && typeof input === 'object')
    return textTokens((input as Record<string, unknown>)['text'], count);
  return 0;
}
