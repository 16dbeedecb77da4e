import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MultipartError, readMultipartUpload } from './multipart-upload.js';

const boundary = '----spendwall-boundary-42';

function body(fileContent: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="in \\"1\\".jsonl"\r\nContent-Type: application/jsonl\r\n\r\n`,
    ),
    fileContent,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** The body as a request stream delivered in pieces of `size` bytes. */
function incoming(bytes: Buffer, size: number, contentType = `multipart/form-data; boundary=${boundary}`) {
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  const stream = Readable.from(pieces) as unknown as IncomingMessage;
  stream.headers = { 'content-type': contentType };
  return stream;
}

function sink() {
  const chunks: Buffer[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { writable, content: () => Buffer.concat(chunks) };
}

describe('streamed multipart upload', () => {
  // Content that looks like a boundary without being one: CR LF and dashes, a partial delimiter.
  const tricky = Buffer.from(`{"a":1}\r\n--${boundary.slice(0, 10)}\r\n--\r\n{"b":"\r\n-"}\n`);

  it('finds the parts wherever the socket splits the body', async () => {
    const bytes = body(tricky);
    for (const size of [1, 2, 3, 7, 16, 31, 64, bytes.length]) {
      const file = sink();
      const upload = await readMultipartUpload(incoming(bytes, size), () => file.writable, 1_000_000);
      expect(upload.fields).toEqual({ purpose: 'batch' });
      expect(upload.file).toEqual({ field: 'file', filename: 'in "1".jsonl', bytes: tricky.length });
      expect(file.content().equals(tricky)).toBe(true);
    }
  });

  it('streams a large file to the sink in pieces, never whole', async () => {
    const line = Buffer.from(`${JSON.stringify({ custom_id: 'x', body: { text: 'y'.repeat(200) } })}\n`);
    const large = Buffer.concat(Array.from({ length: 20_000 }, () => line));
    let largestWrite = 0;
    let total = 0;
    const writable = new PassThrough();
    writable.on('data', (chunk: Buffer) => {
      largestWrite = Math.max(largestWrite, chunk.length);
      total += chunk.length;
    });
    const upload = await readMultipartUpload(incoming(body(large), 64 * 1024), () => writable, 1e9);
    expect(upload.file?.bytes).toBe(large.length);
    expect(total).toBe(large.length);
    expect(largestWrite).toBeLessThanOrEqual(64 * 1024 + 256);
  });

  it('refuses what is not multipart, is cut short, or is over the limit', async () => {
    const bytes = body(tricky);
    const reasonOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: unknown) => (error instanceof MultipartError ? error.reason : String(error)),
      );
    expect(
      await reasonOf(readMultipartUpload(incoming(bytes, 8, 'application/json'), () => sink().writable, 1e6)),
    ).toBe('not_multipart');
    expect(
      await reasonOf(
        readMultipartUpload(incoming(bytes.subarray(0, bytes.length - 20), 8), () => sink().writable, 1e6),
      ),
    ).toBe('malformed');
    expect(await reasonOf(readMultipartUpload(incoming(bytes, 8), () => sink().writable, 10))).toBe(
      'too_large',
    );
  });
});
