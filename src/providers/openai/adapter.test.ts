import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.js';
import { ProviderError } from '../http.js';
import type { ProviderRequest } from '../provider.js';
import { collect, instantRetryPolicy, waitUntilEnded } from '../test-subjects.js';
import { createOpenAIAdapter } from './adapter.js';
import { toProviderBatch } from './batch-object.js';

const model = 'gpt-5-mini';
const tag = { jobId: 'job-1', chunkId: 'chunk-1' };

function request(
  customId: string,
  body = { model, messages: [{ role: 'user', content: customId }] },
): ProviderRequest {
  return { customId, endpoint: '/v1/chat/completions', model, body: JSON.stringify(body) };
}

async function* lines(adapter: ReturnType<typeof createOpenAIAdapter>, count: number) {
  for (let index = 0; index < count; index++) yield adapter.batch.encode(request(`line-${index}`));
}

/** An adapter on a fresh emulator, with a hook in front of its fetch to see or change traffic. */
function setUp(
  options: Parameters<typeof createEmulator>[0] = { clock: { instant: true } },
  hook?: (request: Request, next: typeof fetch) => Promise<Response>,
) {
  const emulator = createEmulator(options);
  // Only what was sent around the body: cloning a request would read its streamed body.
  const seen: { url: string; headers: Headers }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const incoming = new Request(input, init);
    seen.push({ url: incoming.url, headers: incoming.headers });
    return hook ? hook(incoming, emulator.fetch) : emulator.fetch(incoming);
  }) as typeof globalThis.fetch;
  const adapter = createOpenAIAdapter({
    apiKey: 'sk-openai-test',
    baseURL: 'http://emulator/v1',
    fetch,
    retryPolicy: instantRetryPolicy,
  });
  return { emulator, adapter, seen };
}

describe('encode', () => {
  const { adapter } = setUp();

  it('splices the body in unchanged, with the /v1 endpoint as the url', () => {
    const body = '{"model":"gpt-5-mini","messages":[]}';
    expect(adapter.batch.encode({ customId: 'a"b', endpoint: '/v1/chat/completions', model, body })).toBe(
      `{"custom_id":"a\\"b","method":"POST","url":"/v1/chat/completions","body":${body}}`,
    );
  });

  it('keeps a pretty-printed body on one line, meaning the same', () => {
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'two\nlines' }] }, null, 2);
    const line = adapter.batch.encode({ customId: 'x', endpoint: '/chat/completions', model, body });
    expect(line).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line)).toEqual({
      custom_id: 'x',
      method: 'POST',
      url: '/v1/chat/completions',
      body: JSON.parse(body),
    });
  });
});

describe('limits', () => {
  it('are OpenAI’s, and settings can only lower them', () => {
    expect(setUp().adapter.batch.limits).toEqual({
      maxRequests: 50_000,
      maxBytes: 200_000_000,
      windowMs: 86_400_000,
    });
    const lowered = createOpenAIAdapter({
      apiKey: 'k',
      baseURL: 'http://x/v1',
      batchLimits: { maxRequests: 10, maxBytes: 1e12 },
    });
    expect(lowered.batch.limits).toMatchObject({ maxRequests: 10, maxBytes: 200_000_000 });
  });
});

describe('create', () => {
  it('uploads the file, reports it before the batch exists, and tags the batch', async () => {
    const { emulator, adapter, seen } = setUp();
    const batchesAtUpload: number[] = [];
    const created = await adapter.batch.create({
      lines: lines(adapter, 3),
      endpoint: '/v1/chat/completions',
      model,
      tag,
      onUploaded: async () => {
        batchesAtUpload.push(emulator.record.batches.length);
      },
    });
    expect(batchesAtUpload).toEqual([0]);
    expect(emulator.record.files[0]).toMatchObject({ purpose: 'batch', filename: 'spendwall-chunk-1.jsonl' });
    expect(emulator.record.batches[0]).toMatchObject({
      id: created.id,
      metadata: { spendwall_job: 'job-1', spendwall_chunk: 'chunk-1' },
      requestCount: 3,
    });
    for (const sent of seen) expect(sent.headers.get('authorization')).toBe('Bearer sk-openai-test');
  });

  it('re-uses a file uploaded by an interrupted attempt without reading the lines', async () => {
    const { emulator, adapter } = setUp();
    const first = await adapter.batch.create({
      lines: lines(adapter, 2),
      endpoint: '/v1/chat/completions',
      model,
      tag,
    });
    const fileId = emulator.record.files[0]!.id;
    const untouchable: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        throw new Error('the lines must not be read');
      },
    };
    const again = await adapter.batch.create({
      lines: untouchable,
      endpoint: '/v1/chat/completions',
      model,
      tag: { ...tag, chunkId: 'chunk-2' },
      uploadedFileId: fileId,
    });
    expect(again.id).not.toBe(first.id);
    expect(emulator.record.files).toHaveLength(1);
    expect(emulator.record.batches[1]!.inputFileId).toBe(fileId);
  });

  it('sends an upload again when the refusal came before it was read', async () => {
    let refused = false;
    const { emulator, adapter } = setUp(undefined, async (incoming, next) => {
      if (incoming.url.endsWith('/files') && !refused) {
        refused = true;
        return Response.json(
          { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } },
          { status: 429 },
        );
      }
      return next(incoming);
    });
    await adapter.batch.create({ lines: lines(adapter, 4), endpoint: '/v1/chat/completions', model, tag });
    expect(refused).toBe(true);
    expect(emulator.record.batches[0]!.requestCount).toBe(4);
  });

  it('fails as retryable when an upload already read from a generator is refused', async () => {
    let refused = false;
    const { emulator, adapter } = setUp(undefined, async (incoming, next) => {
      if (incoming.url.endsWith('/files') && !refused) {
        refused = true;
        await incoming.arrayBuffer();
        return new Response('{"error":{"message":"overloaded","type":"server_error"}}', { status: 503 });
      }
      return next(incoming);
    });
    const attempt = adapter.batch.create({
      lines: lines(adapter, 4),
      endpoint: '/v1/chat/completions',
      model,
      tag,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'upload_not_replayable', isRetryable: true });
    expect(emulator.record.files).toHaveLength(0);
  });
});

describe('retrieve and results', () => {
  it('reports a batch refused for the enqueued-token limit as failed, with no results', async () => {
    const { adapter } = setUp({ clock: { instant: true }, limits: { enqueuedTokens: { '*': 5 } } });
    const created = await adapter.batch.create({
      lines: lines(adapter, 3),
      endpoint: '/v1/chat/completions',
      model,
      tag,
    });
    const ended = await waitUntilEnded(adapter, created.id);
    expect(ended).toMatchObject({ ending: 'failed', failure: { code: 'token_limit_exceeded' } });
    expect(await collect(adapter.batch.results(ended))).toEqual([]);
  });

  it('refuses to read results of a batch that has not ended', async () => {
    const { adapter } = setUp({ clock: { scale: 0 } });
    const created = await adapter.batch.create({
      lines: lines(adapter, 1),
      endpoint: '/v1/chat/completions',
      model,
      tag,
    });
    await expect(collect(adapter.batch.results(created))).rejects.toMatchObject({ code: 'batch_not_ended' });
  });

  it('names the batch, file and line of a malformed result line', async () => {
    const { adapter } = setUp(undefined, async (incoming, next) => {
      if (incoming.url.endsWith('/content'))
        return new Response('{"custom_id":"line-0","response":null,"error":null}\n');
      return next(incoming);
    });
    const created = await adapter.batch.create({
      lines: lines(adapter, 1),
      endpoint: '/v1/chat/completions',
      model,
      tag,
    });
    const error = await collect(adapter.batch.results(created)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(
      new RegExp(`batch ${created.id}, output file file-\\w+: line 1: `),
    );
  });

  it.each([
    ['{"custom_id":7,"response":null,"error":{"code":"batch_expired"}}', 'custom_id: '],
    ['{"custom_id":"a","response":{"status_code":200.5,"body":{}},"error":null}', 'response.status_code: '],
    ['{"custom_id":"a","response":{"status_code":200,"request_id":1,"body":{}}}', 'response.request_id: '],
    ['{"custom_id":"a","response":null,"error":{"code":7}}', 'error.code: '],
    ['{"custom_id":"a","response":null,"error":null}', '(the line): a line needs a response or an error'],
    ['["a"]', '(the line): '],
  ])('describes a result line of the wrong shape with the field at fault: %s', async (line, field) => {
    const { adapter } = setUp(undefined, async (incoming, next) =>
      incoming.url.endsWith('/content') ? new Response(`${line}\n`) : next(incoming),
    );
    const created = await adapter.batch.create({
      lines: lines(adapter, 1),
      endpoint: '/v1/chat/completions',
      model,
      tag,
    });
    const error = await collect(adapter.batch.results(created)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain(`line 1: ${field}`);
  });
});

describe('status mapping', () => {
  const raw = { id: 'batch_1', created_at: 1_700_000_000, metadata: null };

  it.each([
    ['validating', 'validating', null],
    ['in_progress', 'running', null],
    ['finalizing', 'finalizing', null],
    ['cancelling', 'cancelling', null],
    ['completed', 'ended', 'completed'],
    ['failed', 'ended', 'failed'],
    ['expired', 'ended', 'expired'],
    ['cancelled', 'ended', 'cancelled'],
    ['paused', 'unknown', null],
    ['constructor', 'unknown', null],
  ])('%s → %s', (status, phase, ending) => {
    expect(toProviderBatch({ ...raw, status })).toMatchObject({ phase, ending, providerStatus: status });
  });

  it('reads times in milliseconds and the tag from metadata', () => {
    const batch = toProviderBatch({
      ...raw,
      status: 'completed',
      metadata: { spendwall_job: 'j', spendwall_chunk: 'c', other: 'x' },
    });
    expect(batch.createdAt).toBe(1_700_000_000_000);
    expect(batch.tag).toEqual({ jobId: 'j', chunkId: 'c' });
  });
});
