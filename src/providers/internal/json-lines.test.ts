import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../http.js';
import { parseLine, readLinePages } from './json-lines.js';

function streamOf(chunks: (string | Uint8Array)[], failAtEnd = false): Response {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) {
        if (failAtEnd) controller.error(new Error('socket hang up'));
        else controller.close();
        return;
      }
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    },
  });
  return new Response(body);
}

async function all(response: Response) {
  const lines = [];
  for await (const page of readLinePages(response, 'test file')) {
    // A page per piece of the download that completed a line; never an empty one.
    expect(page.length).toBeGreaterThan(0);
    lines.push(...page);
  }
  return lines;
}

describe('readLinePages', () => {
  it('joins lines split across chunks, drops blank lines and CRs, keeps physical numbers', async () => {
    const lines = await all(streamOf(['{"a":', '1}\r\n\n{"b"', ':2}\n', '{"c":3}']));
    expect(lines).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 3, text: '{"b":2}' },
      { number: 4, text: '{"c":3}' },
    ]);
  });

  it('decodes a character whose bytes are split between chunks', async () => {
    const bytes = new TextEncoder().encode('{"text":"é€"}\n');
    const lines = await all(streamOf([bytes.slice(0, 10), bytes.slice(10)]));
    expect(lines).toEqual([{ number: 1, text: '{"text":"é€"}' }]);
  });

  it('reports a download that broke off as retryable', async () => {
    const error = await all(streamOf(['{"a":1}\n'], true)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'download_interrupted', isRetryable: true });
    expect((error as Error).message).toContain('after line 1');
  });
});

describe('parseLine', () => {
  const schema = z.object({ custom_id: z.string() });

  it('names the file, the line and the field of a line that is wrong', () => {
    expect(() =>
      parseLine({ number: 7, text: '{"custom_id":3}' }, schema, 'batch b1, output file f1'),
    ).toThrow(/batch b1, output file f1: line 7: custom_id: /);
    expect(() => parseLine({ number: 8, text: '{"custom_id":' }, schema, 'batch b1')).toThrow(
      /batch b1: line 8 is not JSON/,
    );
  });
});
