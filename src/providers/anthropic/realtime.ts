import { SpendwallError } from '../../core/errors.js';
import type { Connection } from '../internal/connection.js';
import { callJson } from '../internal/realtime-call.js';
import type { ProviderAdapterV1, ProviderRequest, RequestResult } from '../provider.js';
import { apiPath } from './connection.js';
import { anthropicUsage } from './usage.js';

type CallOptions = Parameters<ProviderAdapterV1['call']>[1];

/**
 * One real-time Messages request. Anthropic has no flex tier: asking for it is refused rather
 * than quietly served (and billed) at standard prices while the ledger counts flex.
 */
export function callAnthropic(
  connection: Connection,
  request: ProviderRequest,
  options: CallOptions = {},
): Promise<RequestResult> {
  if (options.serviceTier) {
    return Promise.reject(
      new SpendwallError(`Anthropic offers no ${options.serviceTier} service tier`, {
        code: 'unsupported_service_tier',
        place: 'serviceTier',
      }),
    );
  }
  return callJson(connection, {
    request,
    path: apiPath(request.endpoint),
    body: request.body,
    signal: options.signal,
    usageOf: anthropicUsage,
  });
}
