import { usageFromAnthropicMessage } from '../../prices/usage.js';
import { completeUsage } from '../internal/usage.js';
import type { Usage } from '../provider.js';

/** Usage of a message, with cache reads and writes counted in `inputTokens`; null when absent. */
export function anthropicUsage(message: unknown): Usage | null {
  return completeUsage(usageFromAnthropicMessage(message));
}
