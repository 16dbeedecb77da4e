import { type Connection, createConnection } from '../internal/connection.js';
import type { ProviderSettings } from '../provider.js';
import { readOpenAIError } from './errors.js';

export const openAIDefaultBaseURL = 'https://api.openai.com/v1';

export function createOpenAIConnection(settings: ProviderSettings): Connection {
  return createConnection(settings, { authorization: `Bearer ${settings.apiKey}` }, readOpenAIError);
}

/**
 * The path of an endpoint under OpenAI's base URL, which by convention (the SDK's, and
 * OPENAI_BASE_URL's) already ends in `/v1`: `/v1/chat/completions` is sent as `/chat/completions`.
 */
export function apiPath(endpoint: string): string {
  return endpoint.startsWith('/v1/') ? endpoint.slice(3) : endpoint;
}

/** The endpoint as batch files and `POST /v1/batches` name it, always with `/v1`. */
export function batchEndpoint(endpoint: string): string {
  return endpoint.startsWith('/v1/') ? endpoint : `/v1${endpoint.startsWith('/') ? '' : '/'}${endpoint}`;
}
