import { z } from 'zod';
import type { Connection } from '../internal/connection.js';
import { callJson } from '../internal/realtime-call.js';
import type { ProviderAdapterV1, ProviderRequest, RequestResult } from '../provider.js';
import { apiPath } from './connection.js';
import { openAIUsage } from './usage.js';

type CallOptions = Parameters<ProviderAdapterV1['call']>[1];

const objectBodySchema = z.record(z.string(), z.unknown());

/** One real-time request; `serviceTier: 'flex'` asks for OpenAI's flex tier (batch prices, slower). */
export function callOpenAI(
  connection: Connection,
  request: ProviderRequest,
  options: CallOptions = {},
): Promise<RequestResult> {
  const body = options.serviceTier ? withServiceTier(request.body, options.serviceTier) : request.body;
  return callJson(connection, {
    request,
    path: apiPath(request.endpoint),
    body,
    signal: options.signal,
    usageOf: openAIUsage,
  });
}

/**
 * The body with `service_tier` set. One small body is parsed here (unlike batch lines), because
 * appending a second `service_tier` key would leave which one counts to the server's parser.
 * A body that is not a JSON object is sent unchanged, for OpenAI to refuse it as invalid.
 */
function withServiceTier(body: string, tier: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const object = objectBodySchema.safeParse(parsed);
  return object.success ? JSON.stringify({ ...object.data, service_tier: tier }) : body;
}
