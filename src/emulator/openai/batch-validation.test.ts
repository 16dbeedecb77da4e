import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../index.js';
import {
  chatLine,
  chatLines,
  type ServedEmulator,
  serveEmulator,
  startBatch,
  waitForBatch,
} from './batch-test-support.js';

/** What OpenAI checks while a batch is `validating`, reported as `errors.data` on a failed batch. */
let served: ServedEmulator | undefined;
afterEach(async () => {
  await served?.emulator.close();
  served = undefined;
});

async function instant(options: EmulatorOptions = {}): Promise<ServedEmulator> {
  served = await serveEmulator({ ...options, clock: { instant: true } });
  return served;
}

async function failedWith(lines: string[], options: EmulatorOptions = {}) {
  const { client } = served ?? (await instant(options));
  const batch = await waitForBatch(client, (await startBatch(client, lines)).id);
  expect(batch.status).toBe('failed');
  expect(batch.failed_at).toBeGreaterThanOrEqual(batch.created_at);
  expect(batch.output_file_id).toBeNull();
  expect(batch.errors?.object).toBe('list');
  return batch;
}

describe('input file validation', () => {
  it('reports a duplicate custom_id on the line that repeats it', async () => {
    const lines = chatLines(5);
    lines.push(chatLine(9, { customId: 'request-2' }));
    const batch = await failedWith(lines);
    expect(batch.errors!.data).toEqual([
      {
        code: 'duplicate_custom_id',
        line: 6,
        param: 'custom_id',
        message:
          "The custom_id 'request-2' for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.",
      },
    ]);
    expect(batch.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
  });

  it('reports every line whose model differs from the first', async () => {
    const lines = chatLines(4);
    lines[1] = chatLine(1, { model: 'gpt-4o' });
    lines[3] = chatLine(3, { model: 'gpt-4.1-mini' });
    const batch = await failedWith(lines);
    expect(batch.errors!.data!.map((error) => [error.code, error.line, error.param])).toEqual([
      ['mismatched_model', 2, 'body.model'],
      ['mismatched_model', 4, 'body.model'],
    ]);
  });

  it('reports a url that is not the batch endpoint', async () => {
    const lines = chatLines(3);
    lines[2] = chatLine(2, { url: '/v1/embeddings' });
    const batch = await failedWith(lines);
    expect(batch.errors!.data).toEqual([
      {
        code: 'invalid_url',
        line: 3,
        param: 'url',
        message: 'The URL provided for this request does not prefix-match the batch endpoint.',
      },
    ]);
  });

  it('reports lines that are not JSON or miss a field, counting blank lines in the numbering', async () => {
    const lines = [
      chatLine(0),
      '',
      '{"custom_id": "broken"',
      chatLine(3),
      JSON.stringify({ custom_id: 'x', method: 'POST', url: '/v1/chat/completions' }),
    ];
    const batch = await failedWith(lines);
    expect(batch.errors!.data).toEqual([
      {
        code: 'invalid_json_line',
        line: 3,
        param: null,
        message: 'This line is not parseable as valid JSON.',
      },
      {
        code: 'missing_required_parameter',
        line: 5,
        param: 'body',
        message: "Missing required parameter: 'body'.",
      },
    ]);
  });

  it('fails a file over the request limit as a whole', async () => {
    served = await instant({ limits: { openaiBatchMaxRequests: 10 } });
    const batch = await failedWith(chatLines(11));
    expect(batch.errors!.data).toEqual([
      {
        code: 'too_many_tasks',
        line: null,
        param: null,
        message: 'The batch input file contains 11 requests, but a batch may contain at most 10 requests.',
      },
    ]);
    const fits = await waitForBatch(served.client, (await startBatch(served.client, chatLines(10))).id);
    expect(fits.status).toBe('completed');
  });

  it('fails a file over the byte limit', async () => {
    const batch = await failedWith(chatLines(10), { limits: { openaiBatchMaxBytes: 1000 } });
    expect(batch.errors!.data![0]).toMatchObject({ code: 'file_too_large', line: null });
  });

  it('fails the whole batch when faults.batches.failValidation says so', async () => {
    const batch = await failedWith(chatLines(3), { faults: { batches: { failValidation: 1 } } });
    expect(batch.errors!.data![0]).toMatchObject({ code: 'validation_failed', line: null, param: null });
  });
});

describe('the enqueued-token limit', () => {
  const limitMessage = (limit: string) =>
    `Enqueued token limit reached for gpt-4o-mini in organization org-emulator. Limit: ${limit} enqueued tokens. Please try again once some in_progress batches have been completed.`;

  it('fails a batch whose prompts alone exceed the limit, counted in tokens, not bytes', async () => {
    // Each chatLine prompt is about 35 tokens in some 300 bytes.
    served = await instant({ limits: { enqueuedTokens: { 'gpt-4o-mini': 2000 } } });
    const batch = await failedWith(chatLines(100));
    expect(batch.errors!.data).toEqual([
      { code: 'token_limit_exceeded', line: null, param: null, message: limitMessage('2,000') },
    ]);
    const fits = await waitForBatch(served.client, (await startBatch(served.client, chatLines(20))).id);
    expect(fits.status).toBe('completed');
  });

  it('counts the prompts of unfinished batches of the same model, and frees them when they finish', async () => {
    served = await serveEmulator({
      clock: { scale: 0 },
      limits: { enqueuedTokens: { 'gpt-4o-mini': 5000, '*': 100_000 } },
    });
    const { client, emulator } = served;
    const running = await startBatch(client, chatLines(100));
    emulator.clock.advance(20_000);
    expect((await client.batches.retrieve(running.id)).status).toBe('in_progress');

    const blocked = await startBatch(client, chatLines(100));
    const otherModel = await startBatch(client, chatLines(100, { model: 'gpt-4o' }));
    emulator.clock.advance(20_000);
    expect(await client.batches.retrieve(blocked.id)).toMatchObject({
      status: 'failed',
      errors: { data: [{ code: 'token_limit_exceeded', message: limitMessage('5,000') }] },
    });
    expect((await client.batches.retrieve(otherModel.id)).status).toBe('in_progress');

    // Once the running batch completes its tokens are no longer enqueued.
    emulator.clock.advance(60_000 + 15_000);
    expect((await client.batches.retrieve(running.id)).status).toBe('completed');
    const retried = await startBatch(client, chatLines(100));
    emulator.clock.advance(20_000);
    expect((await client.batches.retrieve(retried.id)).status).toBe('in_progress');
  });
});
