import { describe, expect, it } from 'vitest';
import { ChunkedBytes } from './file-chunks.js';
import { readMultipart } from './file-multipart.js';

/** Splits bytes into pieces of `size`, the way a socket may deliver them. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const result: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    result.push(bytes.subarray(offset, offset + size));
  return result;
}

describe('ChunkedBytes', () => {
  const text = 'alpha\r\n--boundary\r\nbeta\r\n--boundary--';
  const bytes = Buffer.from(text);

  it('finds needles wherever chunk edges fall, including across them', () => {
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const chunked = new ChunkedBytes(pieces(bytes, size));
      expect(chunked.indexOf(Buffer.from('\r\n--boundary')), `chunks of ${size}`).toBe(
        text.indexOf('\r\n--boundary'),
      );
      expect(chunked.indexOf(Buffer.from('\r\n--boundary'), 6)).toBe(text.indexOf('\r\n--boundary', 6));
      expect(chunked.indexOf(0x62)).toBe(text.indexOf('b'));
      expect(chunked.indexOf(Buffer.from('missing'))).toBe(-1);
      expect(chunked.text(2, 20)).toBe(text.slice(2, 20));
      expect(Buffer.concat(chunked.slice(4, 30)).toString()).toBe(text.slice(4, 30));
      expect(chunked.at(7)).toBe(bytes[7]);
      expect(chunked.at(bytes.length)).toBeUndefined();
    }
  });
});

describe('readMultipart', () => {
  it('splits fields and files whatever the chunking, without touching the file bytes', async () => {
    const file = Buffer.from('{"custom_id":"a"}\r\n--not-the-boundary\r\n{"custom_id":"b"}\n');
    const body = Buffer.concat([
      Buffer.from(
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="in put.jsonl"\r\n' +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      file,
      Buffer.from('\r\n--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--xyz--\r\n'),
    ]);
    for (const size of [1, 4, 13, 1024]) {
      const chunks = pieces(body, size);
      const request = new Request('http://emulator/v1/files', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
        body: new ReadableStream({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      const result = await readMultipart(request, undefined, 1024);
      if (!result.ok) throw new Error(result.reason);
      const [filePart, purposePart] = result.parts;
      expect(filePart).toMatchObject({ name: 'file', filename: 'in put.jsonl', bytes: file.length });
      expect(Buffer.concat(filePart!.data).equals(file)).toBe(true);
      expect(purposePart).toMatchObject({ name: 'purpose', filename: undefined });
      expect(Buffer.concat(purposePart!.data).toString()).toBe('batch');
    }
  });

  it('tells a body that is too large, malformed or not multipart', async () => {
    const request = (body: string, type = 'multipart/form-data; boundary=xyz') =>
      new Request('http://emulator/v1/files', { method: 'POST', headers: { 'content-type': type }, body });
    expect(await readMultipart(request('x'.repeat(100)), undefined, 10)).toEqual({
      ok: false,
      reason: 'too_large',
    });
    expect(await readMultipart(request('--xyz\r\nno end'), undefined, 100)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await readMultipart(request('{}', 'application/json'), undefined, 100)).toEqual({
      ok: false,
      reason: 'not_multipart',
    });
  });
});
