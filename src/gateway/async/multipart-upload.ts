import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

/**
 * A streaming multipart/form-data reader for uploads of any size: a file part is written to a
 * sink as the socket delivers it, so memory holds one socket chunk and a boundary's length of
 * carry-over, never the file. (The emulator's reader keeps the whole body, which suits its
 * provider-sized limits; the gateway has none.) Other parts are small fields, kept as text.
 */

export interface UploadedFields {
  fields: Record<string, string>;
  /** The file part, if any: its field name, file name and byte count. */
  file: { field: string; filename: string; bytes: number } | undefined;
}

export type MultipartFailure = 'not_multipart' | 'malformed' | 'too_large' | 'two_files';

export class MultipartError extends Error {
  constructor(readonly reason: MultipartFailure) {
    super(reason);
  }
}

const maxHeaderBytes = 16 * 1024;
const maxFieldBytes = 64 * 1024;
const headerEnd = Buffer.from('\r\n\r\n');

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = contentType.match(/boundary=(?:"([^"]+)"|([^;\s]+))/i);
  return match?.[1] ?? match?.[2];
}

/**
 * Reads the request's multipart body; the (single) file part goes to `openSink()`, opened when
 * the part starts. Throws a MultipartError when the body is not what was expected.
 */
export async function readMultipartUpload(
  request: IncomingMessage,
  openSink: (filename: string) => Writable,
  maxFileBytes: number,
): Promise<UploadedFields> {
  const boundary = boundaryOf(request.headers['content-type']);
  if (!boundary) throw new MultipartError('not_multipart');
  const firstDelimiter = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const result: UploadedFields = { fields: {}, file: undefined };

  let state: 'preamble' | 'after-delimiter' | 'headers' | 'data' | 'done' = 'preamble';
  let pending: Buffer = Buffer.alloc(0);
  let part: {
    name: string;
    filename: string | undefined;
    sink: Writable | undefined;
    text: Buffer[];
    bytes: number;
  };
  part = { name: '', filename: undefined, sink: undefined, text: [], bytes: 0 };

  const emit = async (data: Buffer) => {
    if (data.length === 0) return;
    part.bytes += data.length;
    if (part.sink) {
      if (part.bytes > maxFileBytes) throw new MultipartError('too_large');
      if (!part.sink.write(data)) await once(part.sink, 'drain');
    } else {
      if (part.bytes > maxFieldBytes) throw new MultipartError('too_large');
      part.text.push(Buffer.from(data));
    }
  };
  const endPart = async () => {
    if (part.sink) {
      part.sink.end();
      await once(part.sink, 'finish');
      result.file = { field: part.name, filename: part.filename ?? 'upload', bytes: part.bytes };
    } else {
      result.fields[part.name] = Buffer.concat(part.text).toString('utf8');
    }
  };

  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (state === 'preamble') {
          const at = pending.indexOf(firstDelimiter);
          if (at < 0) {
            pending = pending.subarray(Math.max(0, pending.length - firstDelimiter.length));
            break;
          }
          pending = pending.subarray(at + firstDelimiter.length);
          state = 'after-delimiter';
        } else if (state === 'after-delimiter') {
          if (pending.length < 2) break;
          if (pending[0] === 0x2d && pending[1] === 0x2d) {
            state = 'done';
            break;
          }
          if (pending[0] !== 0x0d || pending[1] !== 0x0a) throw new MultipartError('malformed');
          pending = pending.subarray(2);
          state = 'headers';
        } else if (state === 'headers') {
          const at = pending.indexOf(headerEnd);
          if (at < 0) {
            if (pending.length > maxHeaderBytes) throw new MultipartError('malformed');
            break;
          }
          const described = describePart(pending.subarray(0, at).toString('utf8'));
          if (!described) throw new MultipartError('malformed');
          pending = pending.subarray(at + headerEnd.length);
          let sink: Writable | undefined;
          if (described.filename !== undefined) {
            if (result.file) throw new MultipartError('two_files');
            sink = openSink(described.filename);
          }
          part = { ...described, sink, text: [], bytes: 0 };
          state = 'data';
        } else if (state === 'data') {
          const at = pending.indexOf(delimiter);
          if (at < 0) {
            // Keep what could be the start of a delimiter split across chunks; the rest is data.
            const keep = Math.min(pending.length, delimiter.length - 1);
            await emit(pending.subarray(0, pending.length - keep));
            pending = pending.subarray(pending.length - keep);
            break;
          }
          await emit(pending.subarray(0, at));
          await endPart();
          pending = pending.subarray(at + delimiter.length);
          state = 'after-delimiter';
        } else {
          break;
        }
      }
      // A subarray would pin the whole socket chunk; copy the small carry-over instead.
      if (pending.length > 0 && pending.length < 4096) pending = Buffer.from(pending);
    }
  } catch (error) {
    part.sink?.destroy();
    throw error;
  }
  if (state !== 'done') {
    part.sink?.destroy();
    throw new MultipartError('malformed');
  }
  return result;
}

function describePart(headerText: string): { name: string; filename: string | undefined } | undefined {
  let disposition: string | undefined;
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim().toLowerCase() === 'content-disposition')
      disposition = line.slice(colon + 1).trim();
  }
  if (!disposition) return undefined;
  const name = parameter(disposition, 'name');
  if (name === undefined) return undefined;
  return { name, filename: parameter(disposition, 'filename') };
}

/** A `key="value"` (or bare `key=value`) parameter of a header, with the percent-escapes browsers use for quotes. */
function parameter(header: string, key: string): string | undefined {
  const match = header.match(new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i'));
  if (!match) return undefined;
  const raw = match[1] ?? match[2]?.trim() ?? '';
  return raw.replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}
