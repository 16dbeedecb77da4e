import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.js';
import { type ErrorReader, ProviderError, type RetryPolicy, send, sendJson } from './http.js';
import { createProvider } from './index.js';
import type { ProviderSettings } from './provider.js';
import { linesOf, requests, subjects, waitUntilEnded } from './test-subjects.js';

/**
 * `send` against a real socket on 127.0.0.1: a provider that accepts and never answers, one that
 * stalls in the middle of its answer, one that is slow but keeps talking, a slow upload; then a
 * cancel of an ended batch through the emulator. Timeouts are 150 ms and retries do not sleep,
 * so the suite stays fast; what is asserted is attempts, sleeps and error codes.
 */

const readError: ErrorReader = (body) => ({ message: JSON.stringify(body), code: null });

interface Server {
  baseURL: string;
  /** Requests that reached the server, in order. */
  received: string[];
}

const openServers: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  for (const server of openServers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const received: string[] = [];
  const server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    handle(request, response);
  });
  openServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}`, received };
}

/** A policy whose sleeps resolve at once, and which remembers them. */
function recordingPolicy(maxRetries: number): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    maxRetries,
    initialDelayMs: 500,
    maxDelayMs: 8000,
    sleeps,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
    },
  };
}

function settingsFor(server: Server, retryPolicy: RetryPolicy, timeoutMs = 150): ProviderSettings {
  return { baseURL: server.baseURL, apiKey: 'sk-test', retryPolicy, timeoutMs };
}

const never = () => undefined;

/** What a call rejected with, or undefined when it succeeded. */
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function readAll(response: Response): Promise<{ chunks: string[]; error: unknown }> {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { chunks, error: undefined };
      chunks.push(decoder.decode(value));
    }
  } catch (error) {
    return { chunks, error };
  }
}

describe('a provider that accepts the connection and never answers', () => {
  it('is tried maxRetries + 1 times, then a retryable timeout error naming the place', async () => {
    const server = await serve(never);
    const policy = recordingPolicy(3);
    const error = await failureOf(
      send(settingsFor(server, policy), { method: 'GET', path: '/v1/batches/b1' }, readError),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'timeout',
      providerCode: 'timeout',
      status: null,
      isRetryable: true,
      place: `GET ${server.baseURL}/v1/batches/b1`,
    });
    expect((error as Error).message).toContain('no answer from the provider within 0.15 s');
    expect((error as Error).message).not.toContain('may or may not');
    expect(server.received).toEqual(Array(4).fill('GET /v1/batches/b1'));
    expect(policy.sleeps).toHaveLength(3);
  });

  it('is tried once for a create, and the error says it may have been carried out', async () => {
    const server = await serve(never);
    const policy = recordingPolicy(3);
    const error = await failureOf(
      send(
        settingsFor(server, policy),
        { method: 'POST', path: '/v1/batches', body: () => '{}', idempotent: false },
        readError,
      ),
    );
    expect(error).toMatchObject({
      code: 'timeout',
      isRetryable: true,
      place: `POST ${server.baseURL}/v1/batches`,
    });
    expect((error as Error).message).toContain(
      'no answer from the provider within 0.15 s (the request may or may not have been carried out)',
    );
    expect(server.received).toEqual(['POST /v1/batches']);
    expect(policy.sleeps).toEqual([]);
  });

  it('is left when the caller aborts: the abort is thrown as it is, never retried or called a timeout', async () => {
    const caller = new AbortController();
    const reason = new Error('the job was stopped');
    const server = await serve(() => caller.abort(reason));
    const policy = recordingPolicy(3);
    const outcome = send(
      settingsFor(server, policy, 60_000),
      { method: 'GET', path: '/v1/batches/b1', signal: caller.signal },
      readError,
    );
    await expect(outcome).rejects.toBe(reason);
    expect(server.received).toHaveLength(1);
    expect(policy.sleeps).toEqual([]);
  });
});

describe('a slow upload', () => {
  it('is not cut by the timeout while its chunks keep going out', async () => {
    const server = await serve((request, response) => {
      let bytes = 0;
      request.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ bytes }));
      });
    });
    // Eight chunks of 1 KiB, 50 ms apart: 400 ms in all against a 150 ms timeout.
    const body = () => {
      let sent = 0;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            await pause(50);
            controller.enqueue(new Uint8Array(1024));
            if (++sent === 8) controller.close();
          },
        },
        { highWaterMark: 0 },
      );
    };
    const policy = recordingPolicy(3);
    const answer = await sendJson(
      settingsFor(server, policy),
      { method: 'POST', path: '/files', body },
      readError,
    );
    expect(answer).toEqual({ bytes: 8 * 1024 });
    expect(server.received).toEqual(['POST /files']);
    expect(policy.sleeps).toEqual([]);
  });
});

describe('a provider that stalls in the middle of its answer', () => {
  const stallAfter = (...parts: string[]) =>
    serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
      for (const part of parts) response.write(part);
    });

  it('fails a JSON answer with the timeout error, retried like a lost connection', async () => {
    const server = await stallAfter('{"id":"batch_');
    const policy = recordingPolicy(1);
    const error = await failureOf(
      sendJson(settingsFor(server, policy), { method: 'GET', path: '/v1/batches/b1' }, readError),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'timeout',
      isRetryable: true,
      place: `GET ${server.baseURL}/v1/batches/b1`,
    });
    expect((error as Error).message).toContain('within 0.15 s');
    expect(server.received).toHaveLength(2);
    expect(policy.sleeps).toHaveLength(1);
  });

  it('errors a streamed body with the timeout error once no byte has come for the timeout', async () => {
    // Two chunks 50 ms apart (under the timeout, so not yet silence), then nothing.
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/jsonl', 'x-request-id': 'req_stall' });
      response.write('{"line":1}\n');
      setTimeout(() => response.write('{"line":2}\n'), 50);
    });
    const policy = recordingPolicy(3);
    const response = await send(
      settingsFor(server, policy),
      { method: 'GET', path: '/files/f1/content' },
      readError,
    );
    const { chunks, error } = await readAll(response);
    expect(chunks.join('')).toBe('{"line":1}\n{"line":2}\n');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'timeout',
      isRetryable: true,
      requestId: 'req_stall',
      place: `GET ${server.baseURL}/files/f1/content`,
    });
    expect((error as Error).message).toContain('sent nothing for 0.15 s');
    // A download is not retried by `send`: its reader owns what was read so far.
    expect(server.received).toHaveLength(1);
  });

  it('lets a slow stream that keeps sending run far longer than the timeout', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/jsonl' });
      let sent = 0;
      const timer = setInterval(() => {
        response.write(`{"line":${++sent}}\n`);
        if (sent === 8) {
          clearInterval(timer);
          response.end();
        }
      }, 50);
    });
    const response = await send(
      settingsFor(server, recordingPolicy(0)),
      { method: 'GET', path: '/files/f1/content' },
      readError,
    );
    const expected = Array.from({ length: 8 }, (_, index) => `{"line":${index + 1}}\n`).join('');
    expect(await response.text()).toBe(expected);
  });

  it('does not count the time a slow reader takes between chunks as silence', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/jsonl' });
      response.end('{"line":1}\n{"line":2}\n');
    });
    const response = await send(
      settingsFor(server, recordingPolicy(0)),
      { method: 'GET', path: '/files/f1/content' },
      readError,
    );
    await pause(400);
    expect(await response.text()).toBe('{"line":1}\n{"line":2}\n');
  });

  it('passes the caller’s abort through a streamed body as it is', async () => {
    const caller = new AbortController();
    const reason = new Error('the job was stopped');
    const server = await stallAfter('{"line":1}\n');
    const response = await send(
      settingsFor(server, recordingPolicy(0), 60_000),
      { method: 'GET', path: '/files/f1/content', signal: caller.signal },
      readError,
    );
    const reading = readAll(response);
    setTimeout(() => caller.abort(reason), 50);
    expect((await reading).error).toBe(reason);
  });
});

describe('statuses', () => {
  const conflictThenAnswer = () => {
    let answered = 0;
    return serve((_request, response) => {
      const status = answered++ === 0 ? 409 : 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(status === 200 ? '{"id":"batch_1"}' : '{"error":{"message":"conflict"}}');
    });
  };

  it('retries a 409 by default, as the SDKs do', async () => {
    const server = await conflictThenAnswer();
    const policy = recordingPolicy(3);
    const body = await sendJson(settingsFor(server, policy), { method: 'POST', path: '/x' }, readError);
    expect(body).toEqual({ id: 'batch_1' });
    expect(server.received).toHaveLength(2);
    expect(policy.sleeps).toHaveLength(1);
  });

  it('throws a final status at once, keeping what it says about retrying', async () => {
    const server = await conflictThenAnswer();
    const policy = recordingPolicy(3);
    const error = await failureOf(
      sendJson(settingsFor(server, policy), { method: 'POST', path: '/x', finalStatuses: [409] }, readError),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 409, isRetryable: true });
    expect(server.received).toHaveLength(1);
    expect(policy.sleeps).toEqual([]);
  });

  it('names the whole URL when a 200 answer is not JSON', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<html>maintenance</html>');
    });
    const error = await failureOf(
      sendJson(settingsFor(server, recordingPolicy(0)), { method: 'GET', path: '/v1/batches/b1' }, readError),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      status: 200,
      isRetryable: true,
      place: `GET ${server.baseURL}/v1/batches/b1`,
    });
    expect((error as Error).message).toContain('not JSON: <html>maintenance</html>');
  });
});

describe.each(subjects)('$name: cancelling a batch that has ended', (subject) => {
  /**
   * The emulator answers what each API documents (OpenAI 409, Anthropic 400); `conflict` turns
   * Anthropic's 400 into a 409, which the adapter accepts as well.
   */
  const cases = subject.name === 'anthropic' ? [false, true] : [false];

  it.each(cases)('answers the ended batch at once, without a retry (409 forced: %s)', async (conflict) => {
    const emulator = createEmulator({ clock: { instant: true } });
    const cancels: number[] = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const incoming = new Request(input, init);
      const response = await emulator.fetch(incoming);
      if (!incoming.url.endsWith('/cancel')) return response;
      cancels.push(response.status);
      return conflict ? new Response(response.body, { status: 409, headers: response.headers }) : response;
    }) as typeof globalThis.fetch;
    const policy = recordingPolicy(4);
    const adapter = createProvider(subject.name, {
      apiKey: 'sk-test',
      baseURL: subject.baseURL('http://emulator'),
      fetch,
      retryPolicy: policy,
    });
    try {
      const created = await adapter.batch.create({
        lines: linesOf(adapter, requests(subject, 'ended', 3)),
        endpoint: subject.endpoint,
        model: subject.model,
        tag: { jobId: 'job-cancel', chunkId: 'chunk-cancel' },
      });
      await waitUntilEnded(adapter, created.id);
      const cancelled = await adapter.batch.cancel(created.id);
      expect(cancelled).toMatchObject({ id: created.id, phase: 'ended', ending: 'completed' });
      expect(cancels).toEqual([subject.name === 'openai' ? 409 : 400]);
      expect(policy.sleeps).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
