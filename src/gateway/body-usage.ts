import type { Usage } from '../prices/types.js';
import { usageFromAnthropicMessage, usageFromOpenAIBody } from '../prices/usage.js';

const marker = Buffer.from('"usage"');

/**
 * The usage of a whole (non-streamed) answer. Both providers put `usage` at the top level near
 * the end, so the last `"usage"` key's object is cut out and parsed alone: an embeddings answer
 * is mostly floats, and parsing all of them just to read three counts would dominate the
 * gateway's CPU. Anything unexpected falls back to parsing the whole body.
 */
export function usageFromBody(body: Buffer, provider: 'openai' | 'anthropic'): Usage | undefined {
  const read = provider === 'openai' ? usageFromOpenAIBody : usageFromAnthropicMessage;
  const hit = body.lastIndexOf(marker);
  if (hit >= 0) {
    const object = objectAt(body, hit + marker.length);
    if (object !== undefined) {
      try {
        const parsed = JSON.parse(object) as Record<string, unknown>;
        const usage =
          (provider === 'openai' ? plainOpenAIUsage(parsed) : undefined) ?? read({ usage: parsed });
        if (usage) return usage;
      } catch {
        // fall through to the whole body
      }
    }
  }
  try {
    return read(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** The JSON object text starting after `"usage"` (`: {…}`), with strings and nesting respected. */
function objectAt(body: Buffer, from: number): string | undefined {
  let start = from;
  while (
    start < body.length &&
    (body[start] === 0x20 ||
      body[start] === 0x3a ||
      body[start] === 0x0a ||
      body[start] === 0x0d ||
      body[start] === 0x09)
  )
    start++;
  if (body[start] !== 0x7b) return undefined; // '{'
  let depth = 0;
  let inString = false;
  for (let index = start; index < body.length; index++) {
    const byte = body[index];
    if (inString) {
      if (byte === 0x5c) index++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b) depth++;
    else if (byte === 0x7d && --depth === 0) return body.toString('utf8', start, index + 1);
  }
  return undefined;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The common case without a schema: a chat or embeddings usage of plain token counts. Anything
 * else (the Responses API's names, odd values) goes through the checked reader in src/prices.
 */
function plainOpenAIUsage(usage: Record<string, unknown>): Usage | undefined {
  const input = usage['prompt_tokens'];
  const output = usage['completion_tokens'] ?? 0;
  const details = usage['prompt_tokens_details'] as Record<string, unknown> | null | undefined;
  const cached = details?.['cached_tokens'] ?? 0;
  if (!isCount(input) || !isCount(output) || !isCount(cached)) return undefined;
  return { inputTokens: input, cachedInputTokens: cached, outputTokens: output };
}
