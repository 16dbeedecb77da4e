import type { Context } from 'hono';
import { anthropicError } from '../http-errors.js';

/** What every Anthropic endpoint checks before its own work: the version header and the body. */

/** The Messages API's documented request ceiling; message batches have their own (options.limits). */
export const messagesMaxBytes = 32 * 1024 * 1024;

/** Anthropic refuses requests without `anthropic-version`; the official SDKs always send it. */
export function missingVersionHeader(c: Context): Response | undefined {
  if (c.req.header('anthropic-version')) return undefined;
  return anthropicError(c, 400, 'invalid_request_error', 'anthropic-version: header is required');
}

export type BodyReading = { ok: true; body: unknown; bytes: number } | { ok: false; response: Response };

/**
 * Reads a JSON body, refusing it as the API does: over `maxBytes` with 413 `request_too_large`
 * (answered before the body is parsed), not JSON with 400 `invalid_request_error`.
 */
export async function readJsonBody(c: Context, maxBytes: number): Promise<BodyReading> {
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, response: tooLarge(c, maxBytes) };
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (raw.byteLength > maxBytes) return { ok: false, response: tooLarge(c, maxBytes) };
  try {
    return { ok: true, body: JSON.parse(new TextDecoder().decode(raw)), bytes: raw.byteLength };
  } catch (error) {
    return {
      ok: false,
      response: anthropicError(
        c,
        400,
        'invalid_request_error',
        `The request body is not valid JSON: ${(error as Error).message}`,
      ),
    };
  }
}

function tooLarge(c: Context, maxBytes: number): Response {
  return anthropicError(
    c,
    413,
    'request_too_large',
    `Request exceeds the maximum allowed number of bytes (${maxBytes}) for this endpoint.`,
  );
}
