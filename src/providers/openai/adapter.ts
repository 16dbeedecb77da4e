import { lowerLimits } from '../internal/limits.js';
import type { ProviderAdapterV1, ProviderSettings } from '../provider.js';
import { createOpenAIBatchCapability } from './batch.js';
import { createOpenAIConnection } from './connection.js';
import { callOpenAI } from './realtime.js';
import { openAIBatchLimits } from './submission.js';

/**
 * The OpenAI adapter: real-time calls (flex included) and the Batch API. `settings.baseURL`
 * includes `/v1`, as OPENAI_BASE_URL and the official SDK have it.
 */
export function createOpenAIAdapter(settings: ProviderSettings): ProviderAdapterV1 {
  const connection = createOpenAIConnection(settings);
  return {
    specificationVersion: 'v1',
    name: 'openai',
    batch: createOpenAIBatchCapability(connection, lowerLimits(openAIBatchLimits, settings.batchLimits)),
    call: (request, options) => callOpenAI(connection, request, options),
  };
}
