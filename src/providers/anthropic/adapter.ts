import { lowerLimits } from '../internal/limits.js';
import type { ProviderAdapterV1, ProviderSettings } from '../provider.js';
import { createAnthropicBatchCapability } from './batch.js';
import { createAnthropicConnection } from './connection.js';
import { callAnthropic } from './realtime.js';
import { anthropicBatchLimits } from './submission.js';

/**
 * The Anthropic adapter: real-time Messages calls and Message Batches. `settings.baseURL` has no
 * `/v1` (https://api.anthropic.com), as ANTHROPIC_BASE_URL and the official SDK have it.
 */
export function createAnthropicAdapter(settings: ProviderSettings): ProviderAdapterV1 {
  const connection = createAnthropicConnection(settings);
  return {
    specificationVersion: 'v1',
    name: 'anthropic',
    batch: createAnthropicBatchCapability(
      connection,
      lowerLimits(anthropicBatchLimits, settings.batchLimits),
    ),
    call: (request, options) => callAnthropic(connection, request, options),
  };
}
