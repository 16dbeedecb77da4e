import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RetrySettings, sendOnce, sendWithRetries, type UpstreamRequest } from './upstream-call.js';
import { createUpstreams, type Upstreams } from './upstreams.js';

let server: Server | undefined;
let upstreams: Upstreams | undefined;
afterEach(async () => {
  await upstreams?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = upstreams = undefined;
});

/** An upstream that answers through `handler`, and a request to it. */
async function upstreamWith(handler: Parameters<typeof createServer>[1]): Promise<UpstreamRequest> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  upstreams = createUpstreams({ openai: { baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test' } });
  return {
    upstream: upstreams.get('openai')!,
    trafficClass: 'interactive',
    method: 'POST',
    path: '/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{"model":"gpt-4o-mini"}'),
    whole: true,
  };
}

describe('sendOnce with `whole`: the answer gathered without a stream', () => {
  it('gathers a chunked answer of several writes into one Buffer, with status and headers', async () => {
    const request = await upstreamWith((incoming, response) => {
      incoming.resume();
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '20' });
      response.write('{"error":');
      setTimeout(() => response.end('{"message":"slow down"}}'), 10);
    });
    const answer = await sendOnce(request);
    expect(answer.statusCode).toBe(429);
    expect(answer.headers['retry-after-ms']).toBe('20');
    expect(Buffer.isBuffer(answer.body)).toBe(true);
    expect(JSON.parse(answer.body.toString())).toEqual({ error: { message: 'slow down' } });
  });

  it('sends the provider key and the caller headers', async () => {
    let seen: Record<string, unknown> = {};
    const request = await upstreamWith((incoming, response) => {
      seen = incoming.headers;
      incoming.resume();
      response.end('{}');
    });
    await sendOnce({ ...request, headers: { ...request.headers, 'openai-organization': 'org-1' } });
    expect(seen).toMatchObject({ authorization: 'Bearer sk-test', 'openai-organization': 'org-1' });
  });

  it('stops waiting when the signal aborts, before or during the call', async () => {
    const request = await upstreamWith((incoming) => {
      incoming.resume(); // never answers
    });
    const during = new AbortController();
    const pending = sendOnce({ ...request, signal: during.signal });
    setTimeout(() => during.abort(new Error('caller gave up')), 20);
    await expect(pending).rejects.toThrow('caller gave up');
    await expect(sendOnce({ ...request, signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow(
      'already',
    );
  });

  it('fails with the headers timeout when the provider does not answer in time', async () => {
    const request = await upstreamWith((incoming) => {
      incoming.resume();
    });
    await expect(sendOnce({ ...request, headersTimeoutMs: 50 })).rejects.toMatchObject({
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });
});

describe('sendWithRetries', () => {
  const waits: number[] = [];
  const settings: RetrySettings = {
    maxRetries: 2,
    initialDelayMs: 10,
    maxDelayMs: 1_000,
    sleep: async (milliseconds) => {
      waits.push(milliseconds);
    },
  };
  afterEach(() => {
    waits.length = 0;
  });

  it('passes a first good answer on with no retry', async () => {
    const request = await upstreamWith((incoming, response) => {
      incoming.resume();
      response.end('{"ok":true}');
    });
    let retries = 0;
    const answer = await sendWithRetries(request, settings, () => retries++);
    expect({ status: answer.statusCode, retries: answer.retries, counted: retries }).toEqual({
      status: 200,
      retries: 0,
      counted: 0,
    });
  });

  it('retries a 500 and then passes the good answer on, counting the retry', async () => {
    let calls = 0;
    const request = await upstreamWith((incoming, response) => {
      incoming.resume();
      calls++;
      response.statusCode = calls === 1 ? 500 : 200;
      response.end(calls === 1 ? '{"error":{}}' : '{"ok":true}');
    });
    let retries = 0;
    const answer = await sendWithRetries(request, settings, () => retries++);
    expect({ status: answer.statusCode, retries: answer.retries, counted: retries, calls }).toEqual({
      status: 200,
      retries: 1,
      counted: 1,
      calls: 2,
    });
  });

  it('retries a refused connection with backoff, then fails with 502 upstream_unreachable', async () => {
    const request = await upstreamWith(() => undefined);
    await new Promise((resolve) => server!.close(resolve)); // nothing listens there now
    server = undefined;
    let retries = 0;
    await expect(sendWithRetries(request, settings, () => retries++)).rejects.toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
    });
    expect(retries).toBe(2);
    expect(waits).toHaveLength(2);
  });
});
