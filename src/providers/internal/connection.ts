import type { z } from 'zod';
import { type ErrorReader, type HttpRequest, ProviderError, send, sendJson } from '../http.js';
import type { ProviderSettings } from '../provider.js';

/**
 * What an adapter talks to its provider with: the settings with the provider's authentication
 * headers merged in (handed to `send` and nowhere else, so the key never reaches a message) and
 * the reader of the provider's error bodies.
 */
export interface Connection {
  readonly settings: ProviderSettings;
  readonly readError: ErrorReader;
}

export function createConnection(
  settings: ProviderSettings,
  authentication: Record<string, string>,
  readError: ErrorReader,
): Connection {
  return {
    settings: { ...settings, headers: { ...settings.headers, ...authentication } },
    readError,
  };
}

export function placeOf(connection: Connection, request: Pick<HttpRequest, 'method' | 'path'>): string {
  return `${request.method} ${connection.settings.baseURL.replace(/\/+$/, '')}${request.path}`;
}

/** Sends a request and checks its JSON answer against `schema`; a different shape is an error. */
export async function requestJson<Schema extends z.ZodType>(
  connection: Connection,
  request: HttpRequest,
  schema: Schema,
): Promise<z.output<Schema>> {
  const body = await sendJson<unknown>(connection.settings, request, connection.readError);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ProviderError(
    `the answer is not what the API documents: ${issue.path.join('.') || '(body)'}: ${issue.message}`,
    {
      status: null,
      providerCode: 'unexpected_response',
      isRetryable: false,
      place: placeOf(connection, request),
    },
  );
}

/** Sends a request whose answer is read as a stream (a results file). */
export function requestStream(connection: Connection, request: HttpRequest): Promise<Response> {
  return send(connection.settings, request, connection.readError);
}
