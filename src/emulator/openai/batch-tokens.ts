import {
  contentText,
  countChatPromptTokens,
  countEmbeddingTokens,
  countTextTokens,
} from '../../core/tokens.js';
import { type BatchInput, lineBody } from './batch-input.js';

/**
 * Prompt tokens of batch lines, for OpenAI's per-model enqueued-token limit. Counting 50,000 prompts
 * with a real tokenizer takes seconds, so callers first compare the limit with `promptTokenBound`
 * (the lines' byte length, which no count can exceed) and count exactly only when that bound does
 * not already settle the question.
 */

export function promptTokenBound(input: BatchInput): number {
  let bytes = 0;
  for (const line of input.lines) bytes += line.end - line.start;
  return bytes;
}

export function promptTokens(endpoint: string, input: BatchInput): number {
  let total = 0;
  for (const line of input.lines) total += linePromptTokens(endpoint, lineBody(input, line));
  return total;
}

function linePromptTokens(endpoint: string, body: Record<string, unknown>): number {
  switch (endpoint) {
    case '/v1/chat/completions':
      return countChatPromptTokens(messages(body['messages']));
    case '/v1/responses': {
      const input = body['input'];
      const instructions =
        typeof body['instructions'] === 'string' ? countTextTokens(body['instructions']) : 0;
      if (typeof input === 'string') return instructions + countTextTokens(input);
      return instructions + countChatPromptTokens(messages(input));
    }
    case '/v1/embeddings':
      return inputTokens(body['input'], countEmbeddingTokens);
    case '/v1/completions':
      return inputTokens(body['prompt'], countTextTokens);
    case '/v1/moderations':
      return inputTokens(body['input'], countTextTokens);
    default:
      return 0;
  }
}

function messages(value: unknown): Array<{ content?: unknown; name?: unknown }> {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'object' && item !== null) : [];
}

/** A string, a list of strings, a list of token ids, or a list of such lists. */
function inputTokens(input: unknown, count: (text: string) => number): number {
  if (typeof input === 'string') return count(input);
  if (typeof input === 'number') return 1;
  if (!Array.isArray(input)) return count(contentText(input));
  let total = 0;
  for (const item of input) total += inputTokens(item, count);
  return total;
}
