import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Connection, placeOf, requestJson } from '../internal/connection.js';
import { streamedBody } from '../internal/streamed-body.js';
import type { BatchLimits, BatchTag, ProviderRequest } from '../provider.js';
import { batchEndpoint } from './connection.js';

/**
 * OpenAI's documented ceilings for one batch input file: 50,000 requests, 200 MB (read as
 * 200,000,000 bytes, the smaller of the two readings), done within the 24-hour window. `maxBytes`
 * bounds the file: each encoded line plus its newline.
 */
export const openAIBatchLimits: BatchLimits = {
  maxRequests: 50_000,
  maxBytes: 200_000_000,
  windowMs: 24 * 60 * 60 * 1000,
};

/**
 * One batch file line. The body is already JSON text and is spliced in as it is: parsing and
 * re-serializing 200,000 bodies would cost more than the rest of packing. Line breaks can only sit
 * between JSON tokens (inside strings they must be escaped), so replacing them with spaces keeps
 * the JSON the same while keeping the request on one line of the file.
 */
export function encodeOpenAIRequest(request: ProviderRequest): string {
  const body = /[\r\n]/.test(request.body) ? request.body.replace(/[\r\n]+/g, ' ') : request.body;
  return `{"custom_id":${JSON.stringify(request.customId)},"method":"POST","url":${JSON.stringify(
    batchEndpoint(request.endpoint),
  )},"body":${body}}`;
}

const fileObjectSchema = z.looseObject({ id: z.string() });

/**
 * Uploads the lines as a `purpose=batch` JSONL file and answers its id. The multipart body is
 * written by hand as a stream, because FormData would need the whole file as a Blob first.
 */
export async function uploadBatchFile(
  connection: Connection,
  lines: AsyncIterable<string>,
  tag: BatchTag,
): Promise<string> {
  // Lines are JSON and never contain a raw CR LF, so this boundary cannot occur inside the file.
  const boundary = `spendwall-${randomUUID()}`;
  const filename = `spendwall-${tag.chunkId.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`;
  const prefix =
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: application/jsonl\r\n\r\n`;
  const request = {
    method: 'POST' as const,
    path: '/files',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
  const body = streamedBody({
    prefix,
    lines,
    render: (line) => `${line}\n`,
    suffix: `\r\n--${boundary}--\r\n`,
    place: placeOf(connection, request),
  });
  const file = await requestJson(connection, { ...request, body }, fileObjectSchema);
  return file.id;
}
