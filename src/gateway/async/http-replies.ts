import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

/** The OpenAI error body every gateway answer uses: `{ error: { message, type, param, code } }`. */
export interface ErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(response, status, JSON.stringify(body), headers);
}

/** Sends JSON text as it is (a stored provider body is never parsed and re-serialized to be sent). */
export function sendText(
  response: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(json)),
    ...headers,
  });
  response.end(json);
}

export function sendError(response: ServerResponse, status: number, error: ErrorFields): void {
  sendJson(response, status, {
    error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null },
  });
}

export function notFound(response: ServerResponse, what: string, id: string, param = 'id'): void {
  sendError(response, 404, {
    message: `No such ${what}: ${id}`,
    type: 'invalid_request_error',
    param,
    code: 'not_found',
  });
}

/** Reads a small JSON body (a batch create), refusing more than `maxBytes`. */
export async function readJsonBody<Schema extends z.ZodType>(
  request: IncomingMessage,
  schema: Schema,
  maxBytes = 1024 * 1024,
): Promise<{ ok: true; value: z.infer<Schema> } | { ok: false; error: ErrorFields; status: number }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length <= maxBytes) chunks.push(chunk);
  }
  if (length > maxBytes) {
    return {
      ok: false,
      status: 413,
      error: { message: `the body is over ${maxBytes} bytes`, type: 'invalid_request_error' },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return {
      ok: false,
      status: 400,
      error: { message: 'the body is not valid JSON', type: 'invalid_request_error', code: 'invalid_json' },
    };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const param = issue?.path.join('.') || null;
  return {
    ok: false,
    status: 400,
    error: {
      message: `${param ? `${param}: ` : ''}${issue?.message ?? 'invalid body'}`,
      type: 'invalid_request_error',
      param,
      code: 'invalid_value',
    },
  };
}
