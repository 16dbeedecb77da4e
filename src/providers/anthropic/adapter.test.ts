import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.js';
import { ProviderError } from '../http.js';
import type { ProviderRequest } from '../provider.js';
import { collect, instantRetryPolicy } from '../test-subjects.js';
import { createAnthropicAdapter } from './adapter.js';
import { type AnthropicBatchObject, toProviderBatch } from './batch-object.js';
import { resultsPath } from './results.js';

const model = 'claude-haiku-4-5-20251001';
const tag = { jobId: 'job-1', chunkId: 'chunk-1' };

function request(customId: string): ProviderRequest {
  return {
    customId,
    endpoint: '/v1/messages',
    model,
    body: JSON.stringify({ model, max_tokens: 32, messages: [{ role: 'user', content: customId }] }),
  };
}

function setUp(
  options: Parameters<typeof createEmulator>[0] = { clock: { instant: true } },
  hook?: (request: Request, next: typeof fetch) => Promise<Response>,
) {
  const emulator = createEmulator(options);
  const seen: { url: string; headers: Headers }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const incoming = new Request(input, init);
    seen.push({ url: incoming.url, headers: incoming.headers });
    return hook ? hook(incoming, emulator.fetch) : emulator.fetch(incoming);
  }) as typeof globalThis.fetch;
  const adapter = createAnthropicAdapter({
    apiKey: 'sk-ant-test',
    baseURL: 'http://emulator',
    fetch,
    retryPolicy: instantRetryPolicy,
  });
  return { emulator, adapter, seen };
}

async function* lines(adapter: ReturnType<typeof createAnthropicAdapter>, prefix: string, count: number) {
  for (let index = 0; index < count; index++) yield adapter.batch.encode(request(`${prefix}-${index}`));
}

describe('encode', () => {
  const { adapter } = setUp();

  it('splices the body in as params', () => {
    const body = '{"model":"m","max_tokens":1,"messages":[]}';
    expect(adapter.batch.encode({ customId: 'c-1', endpoint: '/v1/messages', model, body })).toBe(
      `{"custom_id":"c-1","params":${body}}`,
    );
  });

  it('refuses a custom_id Anthropic would refuse the whole batch for', () => {
    for (const customId of ['has space', 'x'.repeat(65), '']) {
      expect(() => adapter.batch.encode({ customId, endpoint: '/v1/messages', model, body: '{}' })).toThrow(
        /custom_id/,
      );
    }
  });

  it('has Anthropic’s limits, less the body’s framing', () => {
    expect(adapter.batch.limits).toEqual({
      maxRequests: 100_000,
      maxBytes: 255_999_985,
      windowMs: 86_400_000,
    });
  });
});

describe('requests', () => {
  it('carry x-api-key and anthropic-version, never a bearer token', async () => {
    const { adapter, seen } = setUp();
    const created = await adapter.batch.create({
      lines: lines(adapter, 'h', 2),
      endpoint: '/v1/messages',
      model,
      tag,
    });
    await adapter.batch.retrieve(created.id);
    await adapter.call(request('realtime'));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const sent of seen) {
      expect(sent.headers.get('x-api-key')).toBe('sk-ant-test');
      expect(sent.headers.get('anthropic-version')).toBe('2023-06-01');
      expect(sent.headers.get('authorization')).toBeNull();
    }
  });

  it('refuses the flex tier, which Anthropic does not have', async () => {
    const { adapter } = setUp();
    await expect(adapter.call(request('flex'), { serviceTier: 'flex' })).rejects.toMatchObject({
      code: 'unsupported_service_tier',
    });
  });
});

describe('find without metadata', () => {
  it('takes the oldest unknown batch of the right size created since the intent', async () => {
    const { adapter } = setUp();
    const createdAfter = Date.now();
    const create = (prefix: string, count: number) =>
      adapter.batch.create({ lines: lines(adapter, prefix, count), endpoint: '/v1/messages', model, tag });
    const first = await create('a', 3);
    const second = await create('b', 3);
    const small = await create('c', 2);
    const find = (requestCount: number, knownIds: string[]) =>
      adapter.batch.find(tag, { createdAfter, requestCount, knownIds: new Set(knownIds) });
    expect((await find(3, []))?.id).toBe(first.id);
    expect((await find(3, [first.id]))?.id).toBe(second.id);
    expect(await find(3, [first.id, second.id])).toBeUndefined();
    expect((await find(2, []))?.id).toBe(small.id);
    expect(first.tag).toBeNull();
  });
});

describe('batch objects', () => {
  const raw = (fields: Partial<AnthropicBatchObject>): AnthropicBatchObject => ({
    id: 'msgbatch_1',
    processing_status: 'ended',
    request_counts: { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 },
    created_at: '2025-01-01T00:00:00.123456Z',
    cancel_initiated_at: null,
    ended_at: '2025-01-01T01:00:00Z',
    results_url: null,
    ...fields,
  });

  it('derives how an ended batch ended from its counts and its cancel', () => {
    expect(toProviderBatch(raw({}))).toMatchObject({ phase: 'ended', ending: 'completed' });
    const expiredCounts = { processing: 0, succeeded: 2, errored: 0, canceled: 0, expired: 1 };
    expect(toProviderBatch(raw({ request_counts: expiredCounts })).ending).toBe('expired');
    const cancelled = raw({ cancel_initiated_at: '2025-01-01T00:30:00Z', request_counts: expiredCounts });
    expect(toProviderBatch(cancelled).ending).toBe('cancelled');
  });

  it('maps statuses, and an unknown one to unknown, never ended', () => {
    expect(toProviderBatch(raw({ processing_status: 'in_progress' }))).toMatchObject({
      phase: 'running',
      ending: null,
    });
    expect(toProviderBatch(raw({ processing_status: 'canceling' })).phase).toBe('cancelling');
    expect(toProviderBatch(raw({ processing_status: 'archiving' }))).toMatchObject({
      phase: 'unknown',
      ending: null,
    });
  });

  it('counts every request, and reads RFC 3339 times as milliseconds', () => {
    const batch = toProviderBatch(raw({}));
    expect(batch.counts).toEqual({ total: 3, succeeded: 2, failed: 1 });
    expect(batch.createdAt).toBe(Date.parse('2025-01-01T00:00:00.123Z'));
  });

  it('follows results_url only under the configured base URL, so the key goes nowhere else', () => {
    const base = 'https://api.anthropic.com';
    expect(resultsPath(base, raw({ results_url: `${base}/v1/messages/batches/msgbatch_1/results` }))).toBe(
      '/v1/messages/batches/msgbatch_1/results',
    );
    expect(resultsPath(base, raw({ results_url: 'https://elsewhere.example/steal' }))).toBe(
      '/v1/messages/batches/msgbatch_1/results',
    );
  });
});

describe('results', () => {
  it('names the batch and line of a malformed result line', async () => {
    const { adapter } = setUp(undefined, async (incoming, next) => {
      if (incoming.url.endsWith('/results'))
        return new Response('{"custom_id":"r-0","result":{"type":"succeeded"}}\nnot json\n');
      return next(incoming);
    });
    const created = await adapter.batch.create({
      lines: lines(adapter, 'r', 1),
      endpoint: '/v1/messages',
      model,
      tag,
    });
    const error = await collect(adapter.batch.results(created)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain(`batch ${created.id}, results: line 2 is not JSON`);
  });
});
