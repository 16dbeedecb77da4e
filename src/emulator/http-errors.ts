import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The body OpenAI sends with every error: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export function openAIErrorBody(fields: OpenAIErrorFields) {
  return {
    error: {
      message: fields.message,
      type: fields.type,
      param: fields.param ?? null,
      code: fields.code ?? null,
    },
  };
}

export function openAIError(
  c: Context,
  status: ContentfulStatusCode,
  fields: OpenAIErrorFields,
  headers: Record<string, string> = {},
): Response {
  return c.json(openAIErrorBody(fields), status, headers);
}

/** Anthropic's error types, by HTTP status, as its API reference lists them. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export function anthropicErrorBody(type: AnthropicErrorType, message: string, requestId?: string) {
  return { type: 'error', error: { type, message }, ...(requestId ? { request_id: requestId } : {}) };
}

export function anthropicError(
  c: Context,
  status: ContentfulStatusCode,
  type: AnthropicErrorType,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return c.json(anthropicErrorBody(type, message, c.get('requestId')), status, headers);
}
