import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatLines,
  downloadLines,
  type ServedEmulator,
  serveEmulator,
  startBatch,
  waitForBatch,
} from './batch-test-support.js';

let served: ServedEmulator;
beforeAll(async () => {
  served = await serveEmulator({ clock: { instant: true } });
});
afterAll(() => served.emulator.close());

describe('a 1,000-request chat batch, end to end with the official SDK', () => {
  it('answers every custom_id exactly once, in a shuffled order, with usage summed over the lines', async () => {
    const { client, emulator } = served;
    const lines = chatLines(1000);
    const created = await startBatch(client, lines, { metadata: { job: 'nightly-ticket-classify' } });
    expect(created).toMatchObject({
      object: 'batch',
      status: 'validating',
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { job: 'nightly-ticket-classify' },
      request_counts: { total: 0, completed: 0, failed: 0 },
      output_file_id: null,
      error_file_id: null,
    });
    expect(created.id).toMatch(/^batch_[A-Za-z0-9]+$/);

    const batch = await waitForBatch(client, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.model).toBe('gpt-4o-mini');
    expect(batch.request_counts).toEqual({ total: 1000, completed: 1000, failed: 0 });
    expect(batch.error_file_id).toBeNull();
    for (const field of ['in_progress_at', 'finalizing_at', 'completed_at'] as const) {
      expect(batch[field]).toBeGreaterThanOrEqual(batch.created_at);
    }
    expect(batch.expires_at).toBe(batch.created_at + 86_400);

    const outputFile = await client.files.retrieve(batch.output_file_id!);
    expect(outputFile).toMatchObject({ object: 'file', purpose: 'batch_output', status: 'processed' });
    const output = await downloadLines(client, batch.output_file_id!);
    expect(output).toHaveLength(1000);

    const byCustomId = new Map(output.map((line) => [line['custom_id'] as string, line]));
    expect(byCustomId.size).toBe(1000);
    for (let index = 0; index < 1000; index++) expect(byCustomId.has(`request-${index}`)).toBe(true);
    const order = output.map((line) => Number((line['custom_id'] as string).slice('request-'.length)));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));

    let inputTokens = 0;
    let outputTokens = 0;
    for (const line of output) {
      expect(line['id']).toMatch(/^batch_req_/);
      expect(line['error']).toBeNull();
      const response = line['response'] as {
        status_code: number;
        request_id: string;
        body: OpenAI.ChatCompletion;
      };
      expect(response.status_code).toBe(200);
      expect(response.request_id).toMatch(/^[0-9a-f]{32}$/);
      expect(response.body.object).toBe('chat.completion');
      inputTokens += response.body.usage!.prompt_tokens;
      outputTokens += response.body.usage!.completion_tokens;
    }
    expect(batch.usage).toEqual({
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    });

    const recorded = emulator.record.batches.find((entry) => entry.id === batch.id)!;
    expect(recorded).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      requestCount: 1000,
      metadata: { job: 'nightly-ticket-classify' },
      inputFileId: batch.input_file_id,
    });
    expect(new Set(recorded.customIds).size).toBe(1000);
  });

  it('gives the same line the same answer as the real-time endpoint', async () => {
    const { client } = served;
    const [line] = chatLines(1);
    const batch = await waitForBatch(client, (await startBatch(client, [line!])).id);
    const [output] = await downloadLines(client, batch.output_file_id!);
    const body = (output!['response'] as { body: OpenAI.ChatCompletion }).body;
    const realtime = await client.chat.completions.create(JSON.parse(line!).body);
    expect(body.choices).toEqual(realtime.choices);
    expect(body.usage).toEqual(realtime.usage);
  });
  it('runs an embeddings batch, and puts lines the endpoint rejects in the error file', async () => {
    const { client } = served;
    const line = (customId: string, input: unknown) =>
      JSON.stringify({
        custom_id: customId,
        method: 'POST',
        url: '/v1/embeddings',
        body: { model: 'text-embedding-3-small', input },
      });
    const created = await startBatch(
      client,
      [line('a', 'first text'), line('b', ['two', 'texts']), line('c', 42)],
      {
        endpoint: '/v1/embeddings',
      },
    );
    const batch = await waitForBatch(client, created.id);
    expect(batch).toMatchObject({
      status: 'completed',
      request_counts: { total: 3, completed: 2, failed: 1 },
    });
    const output = await downloadLines(client, batch.output_file_id!);
    const errors = await downloadLines(client, batch.error_file_id!);
    expect(output.map((entry) => entry['custom_id']).sort()).toEqual(['a', 'b']);
    expect(errors).toEqual([
      {
        id: expect.stringMatching(/^batch_req_/),
        custom_id: 'c',
        response: {
          status_code: 400,
          request_id: expect.any(String),
          body: { error: expect.objectContaining({ type: 'invalid_request_error' }) },
        },
        error: null,
      },
    ]);
    const promptTokens = output.reduce(
      (sum, entry) =>
        sum + (entry['response'] as { body: OpenAI.CreateEmbeddingResponse }).body.usage.prompt_tokens,
      0,
    );
    expect(batch.usage).toMatchObject({
      input_tokens: promptTokens,
      output_tokens: 0,
      total_tokens: promptTokens,
    });
  });
});

describe('create-time validation', () => {
  const create = (body: Record<string, unknown>) =>
    served.client.post('/batches', { body }).then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );
  let inputFileId: string;
  beforeAll(async () => {
    const file = await served.client.files.create({
      file: await toFile(Buffer.from(chatLines(2).join('\n')), 'input.jsonl'),
      purpose: 'batch',
    });
    inputFileId = file.id;
  });
  const valid = () => ({
    input_file_id: inputFileId,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });

  it('names the parameter that is wrong', async () => {
    const cases: Array<[Record<string, unknown>, string, string | null]> = [
      [{ ...valid(), input_file_id: 'file-missing' }, 'input_file_id', null],
      [{ ...valid(), endpoint: '/v1/chat' }, 'endpoint', 'invalid_value'],
      [{ ...valid(), completion_window: '48h' }, 'completion_window', 'invalid_value'],
      [
        { endpoint: '/v1/chat/completions', completion_window: '24h' },
        'input_file_id',
        'missing_required_parameter',
      ],
      [{ ...valid(), priority: 'high' }, 'priority', 'unknown_parameter'],
      [
        { ...valid(), output_expires_after: { anchor: 'created_at', seconds: 60 } },
        'output_expires_after.seconds',
        'integer_below_min_value',
      ],
    ];
    for (const [body, param, code] of cases) {
      const error = await create(body);
      expect(error?.status, param).toBe(400);
      expect(error?.param, JSON.stringify(body)).toBe(param);
      expect(error?.code ?? null).toBe(code);
      expect(error?.type).toBe('invalid_request_error');
    }
    const error = await create({ ...valid(), endpoint: '/v1/chat' });
    expect(error?.error).toMatchObject({
      message:
        "Invalid value: '/v1/chat'. Supported values are: '/v1/responses', '/v1/chat/completions', '/v1/embeddings', '/v1/completions', '/v1/moderations', '/v1/images/generations', '/v1/images/edits', and '/v1/videos'.",
    });
  });

  it('holds metadata to 16 pairs, keys of 64 characters and values of 512', async () => {
    const pairs = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, index) => [`key${index}`, 'v']));
    expect(await create({ ...valid(), metadata: pairs(16) })).toBeUndefined();
    expect(await create({ ...valid(), metadata: { ['k'.repeat(64)]: 'v'.repeat(512) } })).toBeUndefined();

    const tooMany = await create({ ...valid(), metadata: pairs(17) });
    expect(tooMany).toMatchObject({ status: 400, param: 'metadata', code: 'object_above_max_properties' });
    const longKey = await create({ ...valid(), metadata: { ['k'.repeat(65)]: 'v' } });
    expect(longKey).toMatchObject({ status: 400, param: 'metadata', code: 'string_above_max_length' });
    const longValue = await create({ ...valid(), metadata: { note: 'v'.repeat(513) } });
    expect(longValue).toMatchObject({ status: 400, param: 'metadata.note', code: 'string_above_max_length' });
    expect(longValue?.error).toMatchObject({
      message:
        "Invalid 'metadata.note': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.",
    });
    const notString = await create({ ...valid(), metadata: { count: 3 } });
    expect(notString).toMatchObject({ status: 400, param: 'metadata.count', code: 'invalid_type' });
  });

  it('refuses an input file uploaded for another purpose', async () => {
    const file = await served.client.files.create({
      file: await toFile(Buffer.from('{}'), 'notes.jsonl'),
      purpose: 'user_data',
    });
    const error = await create({ ...valid(), input_file_id: file.id });
    expect(error).toMatchObject({ status: 400, param: 'input_file_id' });
  });
});

describe('retrieve, list and cancel', () => {
  it('pages through batches newest first with after and limit', async () => {
    const own = await serveEmulator({ clock: { instant: true } });
    try {
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) ids.push((await startBatch(own.client, chatLines(1))).id);
      const newestFirst = ids.slice().reverse();

      const first = await own.client.batches.list({ limit: 2 });
      expect(first.data.map((batch) => batch.id)).toEqual(newestFirst.slice(0, 2));
      expect(first.has_more).toBe(true);
      const second = await own.client.batches.list({ limit: 2, after: first.data[1]!.id });
      expect(second.data.map((batch) => batch.id)).toEqual(newestFirst.slice(2, 4));
      const last = await own.client.batches.list({ limit: 2, after: second.data[1]!.id });
      expect(last.data.map((batch) => batch.id)).toEqual(newestFirst.slice(4));
      expect(last.has_more).toBe(false);

      const all: string[] = [];
      for await (const batch of own.client.batches.list({ limit: 2 })) all.push(batch.id);
      expect(all).toEqual(newestFirst);

      const raw = await fetch(`${own.url}/v1/batches?limit=2`, {
        headers: { authorization: 'Bearer sk-test' },
      });
      expect(await raw.json()).toMatchObject({
        object: 'list',
        first_id: newestFirst[0],
        last_id: newestFirst[1],
        has_more: true,
      });
      const badLimit = await fetch(`${own.url}/v1/batches?limit=101`, {
        headers: { authorization: 'Bearer sk-test' },
      });
      expect(badLimit.status).toBe(400);
      expect(((await badLimit.json()) as { error: unknown }).error).toMatchObject({
        param: 'limit',
        code: 'integer_above_max_value',
      });
    } finally {
      await own.emulator.close();
    }
  });

  it('answers 404 for an unknown batch and 409 for cancelling a finished one', async () => {
    const { client } = served;
    await expect(client.batches.retrieve('batch_unknown')).rejects.toMatchObject({ status: 404 });
    const batch = await waitForBatch(client, (await startBatch(client, chatLines(1))).id);
    const error = await client.batches.cancel(batch.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.ConflictError);
    expect((error as InstanceType<typeof OpenAI.ConflictError>).message).toContain(
      "Cannot cancel a batch with status 'completed'.",
    );
  });
});
