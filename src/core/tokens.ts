import { createRequire } from 'node:module';

/**
 * The o200k_base counter, loaded on the first count: its tables cost about a second of CPU and
 * 100 MB, and most processes that import this module (the CLI, the batch engine for models
 * without an enqueued-token limit) never count a token. The package's CommonJS build is loaded
 * with `require` because callers count synchronously.
 */
let o200kCounter: ((text: string) => number) | undefined;
function countO200k(text: string): number {
  o200kCounter ??= (
    createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as {
      countTokens(text: string): number;
    }
  ).countTokens;
  return o200kCounter(text);
}

/**
 * Token counting with a real tokenizer (OpenAI's o200k_base, used by the gpt-4o and later
 * families). Anthropic does not publish its tokenizer; o200k_base is a close stand-in for
 * estimates, and the emulator uses it for both providers' `usage`.
 */
export function countTextTokens(text: string): number {
  if (text.length < minCachedLength) return text.length === 0 ? 0 : countO200k(text);
  if (text.length > maxCachedLength) return countO200k(text);
  let count = cachedCounts.get(text);
  if (count === undefined) {
    count = countO200k(text);
    // Clearing rather than evicting one by one: unique texts cost one clear per `maxCachedTexts`.
    if (cachedCounts.size >= maxCachedTexts) cachedCounts.clear();
    cachedCounts.set(text, count);
  }
  return count;
}

/**
 * Batch files repeat the same instructions on every line, and tokenizing is most of the cost of
 * reading (or, in the emulator, answering) a line, so texts are counted once. Very short texts are
 * cheaper to count than to look up; the caps bound the cache to a few megabytes.
 */
const minCachedLength = 32;
const maxCachedLength = 16 * 1024;
const maxCachedTexts = 1024;
const cachedCounts = new Map<string, number>();

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
