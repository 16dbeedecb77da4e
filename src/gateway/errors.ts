import type { ServerResponse } from 'node:http';
import { SpendwallError } from '../core/errors.js';

/** How the client expects errors: OpenAI's `{error:{…}}` or Anthropic's `{type:'error',error:{…}}`. */
export type ErrorDialect = 'openai' | 'anthropic';

/**
 * An answer the gateway gives itself (not the provider's): a status, OpenAI's error fields, and
 * whether a retry can help. The client's SDK reads `type`/`code`; `param` names the field or header.
 */
export class GatewayError extends SpendwallError {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: {
      type: string;
      code: string;
      param?: string | null;
      isRetryable?: boolean;
      headers?: Record<string, string>;
      cause?: unknown;
    },
  ) {
    super(message, {
      code: options.code,
      isRetryable: options.isRetryable ?? false,
      ...(options.param ? { place: options.param } : {}),
      cause: options.cause,
    });
    this.name = 'GatewayError';
    this.status = status;
    this.type = options.type;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    // The place is in `param`; the message the client reads stays a plain sentence.
    this.message = message;
  }
}

export function badRequest(message: string, param: string | null, code = 'invalid_request'): GatewayError {
  return new GatewayError(400, message, { type: 'invalid_request_error', code, param });
}

/** Anthropic's error types by status (https://docs.anthropic.com/en/api/errors). */
const anthropicTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'api_error',
};

export function errorBody(error: GatewayError, dialect: ErrorDialect): string {
  if (dialect === 'anthropic') {
    return JSON.stringify({
      type: 'error',
      error: { type: anthropicTypes[error.status] ?? 'api_error', message: error.message },
    });
  }
  return JSON.stringify({
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  });
}

/** Writes the error unless an answer has already started (then the connection is cut instead). */
export function sendError(
  response: ServerResponse,
  error: GatewayError,
  dialect: ErrorDialect,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy(error);
    return;
  }
  const body = errorBody(error, dialect);
  response.writeHead(error.status, {
    ...extraHeaders,
    ...error.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** Any failure as a GatewayError: our own pass through; anything else is a 500 that says little. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(500, 'the gateway failed to serve this request; see its log for the request id', {
    type: 'server_error',
    code: 'internal_error',
    isRetryable: true,
    cause: error,
  });
}
