import { openAIErrorBody } from '../http-errors.js';
import type { OpenAIModel } from './models-catalog.js';
import { type Checked, invalidRequest } from './request-errors.js';
import type { RequestedServiceTier } from './request-schemas.js';

/** The tier a response reports having run on (OpenAI resolves `auto` to the project default). */
export type ServedServiceTier = 'default' | 'flex' | 'scale' | 'priority';

/**
 * Which tier serves the request. Flex exists only for some models; OpenAI refuses it elsewhere
 * with a 400 rather than falling back to the default tier, so a router that picked flex for the
 * wrong model finds out at once.
 */
export function resolveServiceTier(
  model: OpenAIModel,
  requested: RequestedServiceTier | null | undefined,
): Checked<ServedServiceTier> {
  if (requested === 'flex' && !model.flex) {
    return invalidRequest(`Unsupported service_tier: flex`, 'service_tier', 'invalid_value');
  }
  if (requested == null || requested === 'auto') return { ok: true, value: 'default' };
  return { ok: true, value: requested };
}

/**
 * The 429 flex answers when it has no capacity. OpenAI documents it as "429 Resource Unavailable",
 * not billed; clients (and Spendwall's flex lane) key on `code: resource_unavailable` to tell it
 * from a rate limit. The `type` is not documented; capacity is the server's side, as with a 503.
 */
export function flexUnavailableBody() {
  return openAIErrorBody({
    message:
      'Resource Unavailable: flex processing does not have capacity for this request right now. You have not ' +
      'been charged. Retry with exponential backoff, or send the request with service_tier "auto" to run it ' +
      'on the default tier.',
    type: 'server_error',
    code: 'resource_unavailable',
  });
}
