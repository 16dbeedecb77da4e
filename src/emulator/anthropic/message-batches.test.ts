import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../index.js';

const model = 'claude-haiku-4-5-20251001';

let emulator: Emulator;
let url: string;
let client: Anthropic;

beforeAll(async () => {
  emulator = createEmulator({ clock: { instant: true } });
  url = await emulator.listen(0);
  client = new Anthropic({ baseURL: url, apiKey: 'sk-ant-test', maxRetries: 0 });
});

afterAll(async () => {
  await emulator.close();
});

function request(customId: string, content: string, extra: Record<string, unknown> = {}) {
  return {
    custom_id: customId,
    params: { model, max_tokens: 256, messages: [{ role: 'user' as const, content }], ...extra },
  };
}

async function waitUntilEnded(id: string) {
  for (;;) {
    const batch = await client.messages.batches.retrieve(id);
    if (batch.processing_status === 'ended') return batch;
  }
}

async function collectResults(id: string) {
  const lines: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
  for await (const line of await client.messages.batches.results(id)) lines.push(line);
  return lines;
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError) {
      const body = error.error as { error?: { type?: string; message?: string } };
      return { status: error.status, type: body.error?.type, message: body.error?.message };
    }
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('a 1,000-request message batch, end to end', () => {
  const requests = Array.from({ length: 1000 }, (_, index) =>
    request(`ticket-${index}`, `Classify ticket ${index}`),
  );
  let created: Anthropic.Messages.MessageBatch;
  let results: Anthropic.Messages.MessageBatchIndividualResponse[];

  beforeAll(async () => {
    created = await client.messages.batches.create({ requests });
    await waitUntilEnded(created.id);
    results = await collectResults(created.id);
  });

  it('is created in progress, with every request processing', () => {
    expect(created.id).toMatch(/^msgbatch_01[0-9A-Za-z]{22}$/);
    expect(created).toMatchObject({
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: 1000, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: null,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: null,
    });
    expect(created).not.toHaveProperty('metadata');
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(24 * 3600 * 1000);
    expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('ends with every request succeeded and an absolute results_url on this emulator', async () => {
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.request_counts).toEqual({
      processing: 0,
      succeeded: 1000,
      errored: 0,
      canceled: 0,
      expired: 0,
    });
    expect(ended.results_url).toBe(`${url}/v1/messages/batches/${created.id}/results`);
    expect(Date.parse(ended.ended_at ?? '')).toBeGreaterThanOrEqual(Date.parse(ended.created_at));
  });

  it('returns every custom_id exactly once, succeeded, in some other order than submitted', () => {
    const ids = results.map((line) => line.custom_id);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids)).toEqual(new Set(requests.map((entry) => entry.custom_id)));
    expect(ids).not.toEqual(requests.map((entry) => entry.custom_id));
    for (const line of results) {
      expect(line.result.type).toBe('succeeded');
      if (line.result.type === 'succeeded') {
        expect(line.result.message.usage.service_tier).toBe('batch');
        expect(line.result.message.id).toMatch(/^msg_01/);
      }
    }
  });

  it('gives each line the message the real-time API gives for the same params', async () => {
    const line = results.find((entry) => entry.custom_id === 'ticket-7');
    const realtime = await client.messages.create(request('ticket-7', 'Classify ticket 7').params);
    expect(line?.result.type === 'succeeded' && line.result.message.content).toEqual(realtime.content);
    expect(line?.result.type === 'succeeded' && line.result.message.usage.input_tokens).toBe(
      realtime.usage.input_tokens,
    );
  });

  it('serves the same file on every download, as JSONL', async () => {
    expect(await collectResults(created.id)).toEqual(results);
    const response = await fetch(`${url}/v1/messages/batches/${created.id}/results`, {
      headers: { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
    });
    expect(response.headers.get('content-type')).toBe('application/x-jsonl');
    expect((await response.text()).trimEnd().split('\n')).toHaveLength(1000);
  });

  it('is recorded with its custom_ids and no metadata', () => {
    const recorded = emulator.record.batches.find((entry) => entry.id === created.id);
    expect(recorded).toMatchObject({
      provider: 'anthropic',
      endpoint: '/v1/messages',
      inputFileId: null,
      metadata: null,
      model,
      requestCount: 1000,
    });
    expect(recorded?.customIds).toEqual(requests.map((entry) => entry.custom_id));
  });
});

describe('creating a batch', () => {
  it.each([
    [
      [request('has space', 'x')],
      "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ],
    [[request('a'.repeat(65), 'x')], 'requests.0.custom_id: String should match pattern'],
    [
      [request('same', 'x'), request('same', 'y')],
      "requests.1.custom_id: 'same' is already used by requests.0",
    ],
    [[], 'requests: List should have at least 1 item after validation, not 0'],
    [[{ custom_id: 'no-params' }], 'requests.0.params: Field required'],
    [[{ custom_id: 'bad-params', params: 'hello' }], 'requests.0.params: Input should be a valid dictionary'],
  ])('refuses %j with 400 naming the field', async (requests, message) => {
    const refused = await refusal(
      client.messages.batches.create({ requests } as unknown as Anthropic.Messages.BatchCreateParams),
    );
    expect(refused).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(refused.message).toContain(message);
  });

  it('refuses more requests than the limit with 400, and more bytes with 413 request_too_large', async () => {
    const limited = createEmulator({
      clock: { instant: true },
      limits: { anthropicBatchMaxRequests: 3, anthropicBatchMaxBytes: 2_000 },
    });
    const limitedClient = new Anthropic({
      baseURL: 'http://emulator',
      apiKey: 'k',
      maxRetries: 0,
      fetch: limited.fetch,
    });
    const tooMany = await refusal(
      limitedClient.messages.batches.create({ requests: ['a', 'b', 'c', 'd'].map((id) => request(id, 'x')) }),
    );
    expect(tooMany).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: 'requests: List should have at most 3 items after validation, not 4',
    });
    const tooLarge = await refusal(
      limitedClient.messages.batches.create({ requests: [request('big', 'x'.repeat(3_000))] }),
    );
    expect(tooLarge).toMatchObject({ status: 413, type: 'request_too_large' });
    expect(limited.record.batches).toHaveLength(0);
    await limited.close();
  });

  it('accepts invalid params and errors those requests when they are processed', async () => {
    const batch = await client.messages.batches.create({
      requests: [
        request('fine', 'hello'),
        { custom_id: 'no-messages', params: { model, max_tokens: 10 } },
        request('unknown-model', 'hello', { model: 'claude-nonexistent' }),
        request('streamed', 'hello', { stream: true }),
        request('zero-tokens', 'hello', { max_tokens: 0 }),
      ] as unknown as Anthropic.Messages.BatchCreateParams['requests'],
    });
    expect(batch.processing_status).toBe('in_progress');
    const ended = await waitUntilEnded(batch.id);
    expect(ended.request_counts).toMatchObject({ succeeded: 1, errored: 4 });
    const byId = new Map((await collectResults(batch.id)).map((line) => [line.custom_id, line.result]));
    expect(byId.get('fine')?.type).toBe('succeeded');
    expect(byId.get('no-messages')).toEqual({
      type: 'errored',
      error: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'messages: Field required' },
        request_id: null,
      },
    });
    expect(byId.get('unknown-model')).toMatchObject({
      type: 'errored',
      error: { error: { type: 'not_found_error', message: 'model: claude-nonexistent' } },
    });
    expect(byId.get('streamed')).toMatchObject({ error: { error: { type: 'invalid_request_error' } } });
    expect(byId.get('zero-tokens')).toMatchObject({ error: { error: { type: 'invalid_request_error' } } });
  });
});

describe('retrieving, canceling and deleting', () => {
  it('answers 404 not_found_error for a batch that does not exist', async () => {
    const refused = await refusal(client.messages.batches.retrieve('msgbatch_01nothing'));
    expect(refused).toMatchObject({ status: 404, type: 'not_found_error' });
  });

  it('deletes an ended batch, after which it is gone', async () => {
    const batch = await client.messages.batches.create({ requests: [request('one', 'x')] });
    await waitUntilEnded(batch.id);
    expect(await client.messages.batches.delete(batch.id)).toEqual({
      id: batch.id,
      type: 'message_batch_deleted',
    });
    expect(await refusal(client.messages.batches.retrieve(batch.id))).toMatchObject({ status: 404 });
    expect(await refusal(client.messages.batches.delete(batch.id))).toMatchObject({ status: 404 });
  });

  it('refuses to cancel a batch that has ended', async () => {
    const batch = await client.messages.batches.create({ requests: [request('one', 'x')] });
    await waitUntilEnded(batch.id);
    expect(await refusal(client.messages.batches.cancel(batch.id))).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
    });
  });
});
