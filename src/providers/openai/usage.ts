import { usageFromOpenAIBody } from '../../prices/usage.js';
import { completeUsage } from '../internal/usage.js';
import type { Usage } from '../provider.js';

/** Usage of a chat completion, embeddings or Responses API body; null when it reports none. */
export function openAIUsage(body: unknown): Usage | null {
  return completeUsage(usageFromOpenAIBody(body));
}
