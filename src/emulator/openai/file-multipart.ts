import type { IncomingMessage } from 'node:http';
import { ChunkedBytes } from './file-chunks.js';

/**
 * A multipart/form-data reader for uploads of up to hundreds of megabytes. The body is kept as the
 * chunks the socket delivered and the parts are found across them with native `Buffer.indexOf`, so
 * a 30 MB upload is held once, never copied, and split in milliseconds (`Request.formData()` makes
 * several copies and is ten times slower).
 */

export interface MultipartPart {
  name: string;
  /** Present for file parts. */
  filename: string | undefined;
  contentType: string | undefined;
  /** Views into the request body's chunks; no copy is made. */
  data: Buffer[];
  bytes: number;
}

export type MultipartResult =
  | { ok: true; parts: MultipartPart[] }
  | { ok: false; reason: 'not_multipart' | 'malformed' | 'too_large' };

/**
 * Reads and splits a multipart body; stops keeping bytes once it passes `maxBytes`. Over a socket it
 * reads Node's request stream (`incoming`) directly, several times faster than the web stream
 * wrapped around it; in process it reads the web stream.
 */
export async function readMultipart(
  request: Request,
  incoming: IncomingMessage | undefined,
  maxBytes: number,
): Promise<MultipartResult> {
  const boundary = boundaryOf(request.headers.get('content-type'));
  if (!boundary) return { ok: false, reason: 'not_multipart' };
  const chunks = incoming ? await readIncoming(incoming, maxBytes) : await readWebStream(request, maxBytes);
  if (!chunks) return { ok: false, reason: 'too_large' };
  const parts = splitParts(new ChunkedBytes(chunks), boundary);
  return parts ? { ok: true, parts } : { ok: false, reason: 'malformed' };
}

function boundaryOf(contentType: string | null): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = contentType.match(/boundary=(?:"([^"]+)"|([^;\s]+))/i);
  return match?.[1] ?? match?.[2];
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer[] | undefined> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets the answer.
      if (length <= maxBytes) chunks.push(chunk);
      else chunks = [];
    };
    const finish = (error?: Error) => {
      // The request object outlives this read on a kept-alive socket; the listener must not.
      incoming.off('data', onData);
      if (error) reject(error);
      else resolve(length <= maxBytes ? chunks : undefined);
    };
    incoming.on('data', onData);
    incoming.once('end', () => finish());
    incoming.once('error', finish);
  });
}

async function readWebStream(request: Request, maxBytes: number): Promise<Buffer[] | undefined> {
  if (!request.body) return [];
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    length += chunk.length;
    if (length > maxBytes) return undefined;
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks;
}

const crlf = 0x0d;
const lineFeed = 0x0a;
const dash = 0x2d;
const headerEnd = Buffer.from('\r\n\r\n');

function splitParts(body: ChunkedBytes, boundary: string): MultipartPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  // Every part after the first is introduced by CRLF + delimiter, so part data may hold anything else.
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) return undefined;
  position += delimiter.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    // `--` after a delimiter closes the body.
    if (body.at(position) === dash && body.at(position + 1) === dash) return parts;
    if (body.at(position) !== crlf || body.at(position + 1) !== lineFeed) return undefined;
    const headersStart = position + 2;
    const headersStop = body.indexOf(headerEnd, headersStart);
    if (headersStop < 0) return undefined;
    const dataStart = headersStop + headerEnd.length;
    const dataStop = body.indexOf(nextDelimiter, dataStart);
    if (dataStop < 0) return undefined;
    const part = describePart(body.text(headersStart, headersStop));
    if (!part) return undefined;
    parts.push({ ...part, data: body.slice(dataStart, dataStop), bytes: dataStop - dataStart });
    position = dataStop + nextDelimiter.length;
  }
}

function describePart(headerText: string): Omit<MultipartPart, 'data' | 'bytes'> | undefined {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition) return undefined;
  const name = parameter(disposition, 'name');
  if (name === undefined) return undefined;
  return { name, filename: parameter(disposition, 'filename'), contentType };
}

/** A `key="value"` (or bare `key=value`) parameter of a header, with the percent-escapes browsers use for quotes. */
function parameter(header: string, key: string): string | undefined {
  const match = header.match(new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i'));
  if (!match) return undefined;
  const raw = match[1] ?? match[2]?.trim() ?? '';
  return raw.replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}
