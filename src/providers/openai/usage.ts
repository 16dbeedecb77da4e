import { usageFromOpenAIBody } from '../../prices/usage.js';
import { completeUsage } from '../internal/usage.js';
import type { Usage } from '../provider.js';

/** Usage of a chat completion, embeddings or Responses API body; null when it reports none. */
export function openAIUsage(body: unknown): Usage | null {
  return chatUsage(body) ?? completeUsage(usageFromOpenAIBody(body));
}

/**
 * The usage of a chat completion (every line of a chat batch), checked by hand: the same counts
 * `usageFromOpenAIBody` reads, for the shapes its schema accepts, without zod on every result.
 * Any other shape gives `undefined`, and the schema decides.
 */
function chatUsage(body: unknown): Usage | undefined {
  if (!isRecord(body)) return undefined;
  const usage = body['usage'];
  if (!isRecord(usage)) return undefined;
  const input = usage['prompt_tokens'];
  const output = usage['completion_tokens'];
  const details = usage['prompt_tokens_details'];
  if (!isCount(input) || !isCount(output)) return undefined;
  let cached = 0;
  if (details !== undefined && details !== null) {
    if (!isRecord(details)) return undefined;
    const count = details['cached_tokens'];
    if (count !== undefined && count !== null) {
      if (!isCount(count)) return undefined;
      cached = count;
    }
  }
  return { inputTokens: input, cachedInputTokens: cached, cacheCreationInputTokens: 0, outputTokens: output };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
