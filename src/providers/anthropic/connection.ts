import { type Connection, createConnection } from '../internal/connection.js';
import type { ProviderSettings } from '../provider.js';
import { readAnthropicError } from './errors.js';

export const anthropicDefaultBaseURL = 'https://api.anthropic.com';

/** The API version every request names; the Message Batches API is generally available in it. */
export const anthropicVersion = '2023-06-01';

export function createAnthropicConnection(settings: ProviderSettings): Connection {
  return createConnection(
    settings,
    { 'x-api-key': settings.apiKey, 'anthropic-version': anthropicVersion },
    readAnthropicError,
  );
}

/** Anthropic's base URL has no version segment: endpoints are sent as they are named (`/v1/messages`). */
export function apiPath(endpoint: string): string {
  return endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
}
