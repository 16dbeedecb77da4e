import { createRequire } from 'node:module';

type Encoding = 'o200k_base' | 'cl100k_base';

/**
 * A counter of one encoding, loaded on its first count: an encoding's tables cost about a second
 * of CPU and 100 MB, and most processes that import this module (the CLI, the batch engine for
 * models without an enqueued-token limit) never count a token. The package's CommonJS build is
 * loaded with `require` because callers count synchronously.
 *
 * Batch files repeat the same instructions on every line, and tokenizing is most of the cost of
 * reading (or, in the emulator, answering) a line, so texts are counted once. Very short texts are
 * cheaper to count than to look up; the caps bound each cache to a few megabytes.
 */
function lazyCounter(encoding: Encoding): (text: string) => number {
  let count: ((text: string) => number) | undefined;
  const counted = new Map<string, number>();
  const direct = (text: string) => {
    count ??= (
      createRequire(import.meta.url)(`gpt-tokenizer/encoding/${encoding}`) as {
        countTokens(text: string): number;
      }
    ).countTokens;
    return count(text);
  };
  return (text) => {
    if (text.length < minCachedLength) return text.length === 0 ? 0 : direct(text);
    if (text.length > maxCachedLength) return direct(text);
    let tokens = counted.get(text);
    if (tokens === undefined) {
      tokens = direct(text);
      // Clearing rather than evicting one by one: unique texts cost one clear per `maxCachedTexts`.
      if (counted.size >= maxCachedTexts) counted.clear();
      counted.set(text, tokens);
    }
    return tokens;
  };
}

const minCachedLength = 32;
const maxCachedLength = 16 * 1024;
const maxCachedTexts = 1024;

/**
 * Token counting with a real tokenizer (OpenAI's o200k_base, used by the gpt-4o and later
 * families). Anthropic does not publish its tokenizer; o200k_base is a close stand-in for
 * estimates, and the emulator uses it for both providers' `usage`.
 */
export const countTextTokens: (text: string) => number = lazyCounter('o200k_base');

/**
 * Tokens of an embedding input: OpenAI's embedding models (text-embedding-3-small and -large,
 * text-embedding-ada-002) use cl100k_base, not o200k_base (tiktoken's model table). The counts
 * differ most outside English (a German sentence: 15 against 11).
 */
export const countEmbeddingTokens: (text: string) => number = lazyCounter('cl100k_base');

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
