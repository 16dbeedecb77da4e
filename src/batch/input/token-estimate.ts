import { contentText, countChatPromptTokens, countTextTokens } from '../../core/tokens.js';
import type { InputEndpoint } from './types.js';

/**
 * Input tokens of a validated request body, with the real tokenizer. The engine sums these against
 * each provider's per-model enqueued-token limit, so they follow the providers' own counting where
 * it is documented (chat framing) and count every text the model reads elsewhere. Bodies reach
 * here already checked by line-schemas.ts, so the shapes below are the ones those schemas allow.
 */
export function estimateInputTokens(endpoint: InputEndpoint, body: Record<string, unknown>): number {
  switch (endpoint) {
    case '/v1/chat/completions':
      return chatPromptTokens(body['messages'] as MessageList);
    case '/v1/messages':
      // Anthropic frames messages like OpenAI chat; the system prompt rides outside them.
      return chatPromptTokens(body['messages'] as MessageList) + textTokens(contentText(body['system']));
    case '/v1/responses':
      return textTokens(body['instructions']) + responsesInputTokens(body['input']);
    case '/v1/embeddings':
    case '/v1/moderations':
      return inputListTokens(body['input']);
    case '/v1/completions':
      return inputListTokens(body['prompt']);
  }
}

type MessageList = ReadonlyArray<{ content?: unknown; name?: unknown }>;

function chatPromptTokens(messages: MessageList): number {
  return countChatPromptTokens(messages);
}

function textTokens(value: unknown): number {
  return typeof value === 'string' ? countTextTokens(value) : 0;
}

/** Responses input: a string, or items that are messages (with `content`) or tool outputs. */
function responsesInputTokens(input: unknown): number {
  if (typeof input === 'string') return textTokens(input);
  if (!Array.isArray(input)) return 0;
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += textTokens(item);
    else if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      total += textTokens(contentText(record['content'])) + textTokens(record['output']);
    }
  }
  return total;
}

/**
 * Embeddings, moderations and completions inputs: a string, a list of strings, a list of token
 * ids (already tokens: each counts one), or a list of such lists. Typed parts (moderations'
 * images and text) count their text.
 */
function inputListTokens(input: unknown): number {
  if (typeof input === 'string') return textTokens(input);
  if (typeof input === 'number') return 1;
  if (Array.isArray(input)) {
    let total = 0;
    for (const item of input) total += inputListTokens(item);
    return total;
  }
  if (input !== null && typeof input === 'object')
    return textTokens((input as Record<string, unknown>)['text']);
  return 0;
}
