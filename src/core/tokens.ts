import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';

/**
 * Token counting with a real tokenizer (OpenAI's o200k_base, used by the gpt-4o and later
 * families). Anthropic does not publish its tokenizer; o200k_base is a close stand-in for
 * estimates, and the emulator uses it for both providers' `usage`.
 */
export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : countO200k(text);
}

/** The text of a message `content` that is a string or a list of typed parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object') {
      const record = part as Record<string, unknown>;
      if (typeof record['text'] === 'string') text += (text ? '\n' : '') + record['text'];
    }
  }
  return text;
}

/**
 * Prompt tokens of a chat conversation, counted the way OpenAI documents for its chat models:
 * each message costs its content plus three tokens of framing, a name one more, and every reply
 * is primed with three.
 */
export function countChatPromptTokens(
  messages: ReadonlyArray<{ content?: unknown; name?: unknown }>,
): number {
  let total = 3;
  for (const message of messages) {
    total += 3 + countTextTokens(contentText(message.content));
    if (typeof message.name === 'string') total += 1 + countTextTokens(message.name);
  }
  return total;
}
