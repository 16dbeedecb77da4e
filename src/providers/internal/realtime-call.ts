import { ProviderError, send } from '../http.js';
import type { ProviderRequest, RequestResult, Usage } from '../provider.js';
import type { Connection } from './connection.js';
import { outcomeForStatus } from './outcome.js';

/**
 * One synchronous JSON request, shared by both providers' `call`. An answer, good or bad, becomes
 * a RequestResult: a refusal is a fact about the request that the engine records. What is not a
 * fact about the request is thrown instead: no answer at all (a lost connection after `send`'s
 * retries, an abort) and 401/403, which would otherwise mark every request of a job invalid
 * because of one wrong key.
 */
export async function callJson(
  connection: Connection,
  input: {
    request: ProviderRequest;
    path: string;
    body: string;
    signal: AbortSignal | undefined;
    usageOf: (body: unknown) => Usage | null;
  },
): Promise<RequestResult> {
  const { request } = input;
  // The provider's own error body and message, kept for the result rather than the thrown text.
  let errorBody: unknown;
  let providerError: { message: string; code: string | null } | undefined;
  const readError = (body: unknown) => {
    errorBody = body;
    providerError = connection.readError(body);
    return providerError;
  };
  let response: Response;
  try {
    response = await send(
      connection.settings,
      {
        method: 'POST',
        path: input.path,
        headers: { 'content-type': 'application/json' },
        body: () => input.body,
        signal: input.signal,
      },
      readError,
    );
  } catch (error) {
    if (!(error instanceof ProviderError) || error.status === null) throw error;
    if (error.status === 401 || error.status === 403) throw error;
    return {
      customId: request.customId,
      outcome: outcomeForStatus(error.status),
      statusCode: error.status,
      body: errorBody === undefined ? null : JSON.stringify(errorBody),
      error: { code: providerError?.code ?? error.code, message: providerError?.message ?? error.message },
      usage: null,
    };
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      customId: request.customId,
      outcome: 'failed_retryable',
      statusCode: response.status,
      body: null,
      error: { code: 'invalid_response', message: `a ${response.status} answer whose body is not JSON` },
      usage: null,
    };
  }
  return {
    customId: request.customId,
    outcome: 'succeeded',
    statusCode: response.status,
    body: text,
    error: null,
    usage: input.usageOf(parsed),
  };
}
