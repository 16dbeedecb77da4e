import { describe, expect, it } from 'vitest';
import { ProviderError } from '../http.js';
import { streamedBody } from './streamed-body.js';

const parts = (lines: AsyncIterable<string>) => ({
  prefix: '[',
  lines,
  render: (line: string, index: number) => (index === 0 ? line : `,${line}`),
  suffix: ']',
  place: 'POST /test',
});

async function* oneShot(count: number) {
  for (let index = 0; index < count; index++) yield String(index);
}

const reiterable = (count: number): AsyncIterable<string> => ({
  [Symbol.asyncIterator]: () => oneShot(count),
});

const text = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe('streamedBody', () => {
  it('writes the prefix, the rendered lines and the suffix', async () => {
    expect(await text(streamedBody(parts(oneShot(3)))())).toBe('[0,1,2]');
    expect(await text(streamedBody(parts(oneShot(0)))())).toBe('[]');
  });

  it('hands untouched lines to a new stream when the first was never read', async () => {
    const build = streamedBody(parts(oneShot(3)));
    build();
    expect(await text(build())).toBe('[0,1,2]');
  });

  it('starts over when the lines can be iterated again', async () => {
    const build = streamedBody(parts(reiterable(3)));
    const first = build().getReader();
    await first.read();
    expect(await text(build())).toBe('[0,1,2]');
  });

  it('refuses to send again lines a generator has already given, as a retryable error', async () => {
    const build = streamedBody(parts(oneShot(3)));
    await text(build());
    expect(() => build()).toThrow(ProviderError);
    try {
      build();
    } catch (error) {
      expect(error).toMatchObject({ code: 'upload_not_replayable', isRetryable: true });
    }
  });

  it('gathers many lines into few chunks', async () => {
    const reader = streamedBody(parts(oneShot(50_000)))().getReader();
    let chunks = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
    }
    expect(chunks).toBeLessThan(10);
  });
});

describe('streamedBody when the lines fail', () => {
  it('passes the lines’ own error on instead of retrying the upload', async () => {
    async function* failing() {
      yield 'a';
      throw new Error('the store went away');
    }
    const build = streamedBody(parts(failing()));
    await expect(text(build())).rejects.toThrow('the store went away');
    expect(() => build()).toThrow('the store went away');
  });
});
