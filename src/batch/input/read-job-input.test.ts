import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, SpendwallError } from '../../core/errors.js';
import { readJobInput } from './read-job-input.js';
import type { JobInputLine, ReadJobInputOptions } from './types.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
let directory: string;
let fileCount = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spendwall-input-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeJob(content: string | Buffer): Promise<string> {
  fileCount += 1;
  const path = join(directory, `job-${fileCount}.jsonl`);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, options?: ReadJobInputOptions): Promise<JobInputLine[]> {
  const lines: JobInputLine[] = [];
  for await (const line of readJobInput(path, options)) lines.push(line);
  return lines;
}

const chatLine = (id: string, content = 'hello') =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
  });

const summary = (lines: JobInputLine[]) =>
  lines.map((line) =>
    line.kind === 'accepted' ? `${line.line}:${line.customId}` : `${line.line}:${line.code}`,
  );

describe('readJobInput', () => {
  it('reads the three formats from realistic files', async () => {
    const openAi = await readAll(new URL('openai-batch.jsonl', fixtures).pathname);
    expect(openAi.map((line) => line.kind === 'accepted' && [line.customId, line.endpoint])).toEqual([
      ['ticket-1001', '/v1/chat/completions'],
      ['doc-17', '/v1/embeddings'],
      ['summary-3', '/v1/responses'],
    ]);
    const anthropic = await readAll(new URL('anthropic-batch.jsonl', fixtures).pathname);
    expect(anthropic.every((line) => line.kind === 'accepted' && line.provider === 'anthropic')).toBe(true);
    const bare = await readAll(new URL('bare.jsonl', fixtures).pathname);
    expect(
      bare.map((line) => line.kind === 'accepted' && `${line.customId} ${line.provider} ${line.endpoint}`),
    ).toEqual([
      'line-1 openai /v1/chat/completions',
      'line-2 anthropic /v1/messages',
      'line-3 openai /v1/embeddings',
      'line-4 openai /v1/responses',
    ]);
  });

  it('names every bad line of a mixed file and keeps the good ones', async () => {
    const lines = await readAll(new URL('bad-input.jsonl', fixtures).pathname);
    expect(summary(lines)).toEqual([
      '1:ok-1',
      '2:invalid_json',
      '3:missing_field',
      '4:empty_line',
      '5:wrong_type',
      '6:ok-2',
      '7:unsupported_endpoint',
    ]);
    expect(lines[2]).toMatchObject({ customId: 'no-body', reason: 'body: missing, expected a JSON object' });
    expect(lines[4]).toMatchObject({ reason: 'body.model: expected a string, got 42' });
  });

  it('reads CRLF files and a last line without a newline', async () => {
    const path = await writeJob(`${chatLine('a')}\r\n${chatLine('b')}\r\n${chatLine('c')}`);
    const lines = await readAll(path);
    expect(summary(lines)).toEqual(['1:a', '2:b', '3:c']);
    expect(lines[2]!.endOffset).toBe(
      Buffer.byteLength(`${chatLine('a')}\r\n${chatLine('b')}\r\n${chatLine('c')}`),
    );
  });

  it('keeps multi-byte characters whole across tiny chunks', async () => {
    const content = 'Grüße aus Köln — 東京 🎌';
    const path = await writeJob(`${chatLine('a', content)}\n${chatLine('b', content)}\n`);
    const lines = await readAll(path, { highWaterMark: 3 });
    expect(summary(lines)).toEqual(['1:a', '2:b']);
    for (const line of lines) {
      if (line.kind !== 'accepted') throw new Error(line.reason);
      expect(JSON.parse(line.body).messages[0].content).toBe(content);
    }
  });

  it('rejects invalid UTF-8 rather than guessing at it', async () => {
    const path = await writeJob(
      Buffer.concat([
        Buffer.from('{"model":"gpt-4o","input":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}\n'),
      ]),
    );
    expect((await readAll(path))[0]).toMatchObject({ code: 'invalid_encoding' });
  });

  it('skips an oversized line with its size and reads the lines after it', async () => {
    const huge = chatLine('huge', 'x'.repeat(5000));
    const path = await writeJob(`${chatLine('a')}\n${huge}\n${chatLine('b')}\n`);
    const lines = await readAll(path, { maxLineBytes: 1000, highWaterMark: 64 });
    expect(summary(lines)).toEqual(['1:a', '2:line_too_large', '3:b']);
    expect(lines[1]).toMatchObject({
      customId: null,
      reason: `line: ${Buffer.byteLength(huge)} bytes, more than the 1000-byte limit for one line`,
    });
  });

  it('rejects empty lines in the middle but ignores blank lines that close the file', async () => {
    const path = await writeJob(`${chatLine('a')}\n\n  \n${chatLine('b')}\n\n \r\n`);
    const lines = await readAll(path);
    expect(summary(lines)).toEqual(['1:a', '2:empty_line', '3:empty_line', '4:b']);
    expect(lines[1]).toMatchObject({ reason: 'line: empty, expected a JSON object' });
  });

  it('resumes from a recorded offset with exactly the remaining lines and their numbers', async () => {
    const content = [
      chatLine('a'),
      'not json',
      chatLine('c', 'ünïcødé'),
      '',
      chatLine('e'),
      chatLine('f'),
    ].join('\r\n');
    const path = await writeJob(content);
    const all = await readAll(path, { highWaterMark: 16 });
    expect(summary(all)).toEqual(['1:a', '2:invalid_json', '3:c', '4:empty_line', '5:e', '6:f']);
    for (const recorded of all) {
      const rest = await readAll(path, {
        startOffset: recorded.endOffset,
        startLine: recorded.line + 1,
        highWaterMark: 7,
      });
      expect(rest).toEqual(all.slice(recorded.line));
    }
  });

  it('applies --provider and --endpoint to bare bodies and rejects lines that contradict them', async () => {
    const bare = JSON.stringify({
      model: 'my-model',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const anthropicLine = JSON.stringify({
      custom_id: 'x',
      params: { model: 'claude-x', max_tokens: 5, messages: [] },
    });
    const path = await writeJob(`${bare}\n${chatLine('a')}\n${anthropicLine}\n`);
    const forced = await readAll(path, { provider: 'anthropic' });
    expect(forced.map((line) => (line.kind === 'accepted' ? line.provider : line.code))).toEqual([
      'anthropic',
      'provider_mismatch',
      'anthropic',
    ]);
    const asOpenAi = await readAll(path, { provider: 'openai', endpoint: '/v1/chat/completions' });
    expect(asOpenAi.map((line) => (line.kind === 'accepted' ? line.endpoint : line.code))).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
      'provider_mismatch',
    ]);
  });

  it('refuses options that cannot work, before reading', async () => {
    const path = await writeJob(`${chatLine('a')}\n`);
    await expect(readAll(path, { startOffset: 10 })).rejects.toThrow(ConfigError);
    await expect(readAll(path, { endpoint: '/v1/audio' })).rejects.toThrow('--endpoint: expected one of');
    await expect(readAll(path, { provider: 'openai', endpoint: '/v1/messages' })).rejects.toThrow(
      '--endpoint: /v1/messages is not an endpoint of --provider openai',
    );
    await expect(readAll(path, { maxLineBytes: 0 })).rejects.toThrow(
      'maxLineBytes: expected a positive integer',
    );
  });

  it('throws a SpendwallError naming the file when it cannot be read', async () => {
    const missing = join(directory, 'missing.jsonl');
    const error = await readAll(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpendwallError);
    expect(error).toMatchObject({ code: 'input_unreadable', place: missing, isRetryable: false });
    await expect(readAll(directory)).rejects.toThrow(/cannot read the job input/);
  });

  it('yields nothing for an empty file and stops cleanly when the caller stops early', async () => {
    expect(await readAll(await writeJob(''))).toEqual([]);
    const path = await writeJob(`${chatLine('a')}\n${chatLine('b')}\n${chatLine('c')}\n`);
    const seen: string[] = [];
    for await (const line of readJobInput(path, { highWaterMark: 8 })) {
      seen.push(line.kind === 'accepted' ? line.customId : line.code);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['a', 'b']);
  });
});
