import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { badRequest, GatewayError } from './errors.js';

/** Reads the whole body, refusing more than `limit` bytes with 413 before buffering them. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, `the request body is larger than the gateway's limit of ${limit} bytes`, {
    type: 'invalid_request_error',
    code: 'request_too_large',
    param: 'content-length',
  });
}

/** The fields the gateway itself needs from a model request; everything else goes through untouched. */
const modelRequestSchema = z.looseObject({
  model: z.string().min(1),
  stream: z.boolean().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  service_tier: z.string().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

export type ModelRequestBody = z.output<typeof modelRequestSchema>;

/** Parses a JSON object body; a 400 names the field that is wrong and what was expected. */
export function parseModelRequest(body: Buffer): ModelRequestBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(
      `the request body is not valid JSON (${(error as Error).message}); expected a JSON object`,
      null,
      'invalid_json',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('the request body must be a JSON object', null, 'invalid_json');
  }
  if (fitsSchema(parsed as Record<string, unknown>)) return parsed as ModelRequestBody;
  const result = modelRequestSchema.safeParse(parsed);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  const missing = issue.code === 'invalid_type' && (parsed as Record<string, unknown>)[field] === undefined;
  throw badRequest(
    missing ? `${field}: a value is required` : `${field}: ${issue.message}`,
    field,
    missing ? 'missing_required_parameter' : 'invalid_type',
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNullish = (value: unknown) => value === undefined || value === null;

/**
 * The schema above, checked by hand for a body that passes it, which is nearly every body: zod's
 * parse copies the object key by key, which showed in the gateway's CPU profile. The parsed JSON
 * is then used as it is (its key order kept). A body that fails goes through zod, whose first
 * issue names the field in the 400; request-body.test.ts holds both to the same answers.
 */
export function fitsSchema(body: Record<string, unknown>): boolean {
  const { model, stream, metadata, service_tier, stream_options } = body;
  return (
    typeof model === 'string' &&
    model.length > 0 &&
    (isNullish(stream) || typeof stream === 'boolean') &&
    (isNullish(metadata) || isObject(metadata)) &&
    (isNullish(service_tier) || typeof service_tier === 'string') &&
    (isNullish(stream_options) ||
      (isObject(stream_options) &&
        (isNullish(stream_options['include_usage']) || typeof stream_options['include_usage'] === 'boolean')))
  );
}

/** Whether zod's schema accepts the body: for tests that keep `fitsSchema` honest. */
export function schemaAccepts(body: unknown): boolean {
  return modelRequestSchema.safeParse(body).success;
}
