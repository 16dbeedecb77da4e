import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHarness, startHarness } from './test-harness.js';

describe('gateway proxy with the official SDKs', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('proxies a chat completion and answers with lane, cost and request id', async () => {
    const { data, response } = await harness
      .openai()
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    expect(response.headers.get('x-spendwall-cost-usd')).toMatch(/^0\.\d{9}$/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('echoes a sane client request id', async () => {
    const { response } = await harness
      .openai()
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': 'client-id-123' } },
      )
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('client-id-123');
  });

  it('streams a chat completion chunk by chunk and records its usage', async () => {
    const stream = await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'tell me a story' }],
      stream: true,
      metadata: { workload: 'stream-check' },
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    const rows = await harness.ledgerRows();
    const row = rows.find((candidate) => candidate['workload'] === 'stream-check');
    expect(row).toBeDefined();
    expect(Number(row!['output_tokens'])).toBeGreaterThan(0);
    expect(Number(row!['cost_nanousd'])).toBeGreaterThan(0);
  });

  it('sends the streamed cost as an HTTP trailer', async () => {
    const { request } = await import('node:http');
    const trailers = await new Promise<NodeJS.Dict<string>>((resolve, reject) => {
      const outgoing = request(
        `${harness.url}/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (incoming) => {
          expect(incoming.headers['trailer']).toBe('x-spendwall-cost-usd');
          incoming.resume();
          incoming.on('end', () => resolve(incoming.trailers));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(
        JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      );
    });
    expect(trailers['x-spendwall-cost-usd']).toMatch(/^0\.\d{9}$/);
  });

  it('proxies embeddings with their cost', async () => {
    const { data, response } = await harness
      .openai()
      .embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(response.headers.get('x-spendwall-cost-usd')).toMatch(/^0\.\d{9}$/);
  });

  it('proxies the Responses API, plain and streamed', async () => {
    const response = await harness.openai().responses.create({ model: 'gpt-4o-mini', input: 'hello' });
    expect(response.output_text.length).toBeGreaterThan(0);
    const stream = await harness.openai().responses.create({
      model: 'gpt-4o-mini',
      input: 'hello',
      stream: true,
      metadata: { workload: 'responses-stream' },
    });
    let completed = false;
    for await (const event of stream) if (event.type === 'response.completed') completed = true;
    expect(completed).toBe(true);
    const rows = await harness.ledgerRows();
    const row = rows.find((candidate) => candidate['workload'] === 'responses-stream');
    expect(Number(row?.['input_tokens'])).toBeGreaterThan(0);
  });

  it('lists models for both SDKs', async () => {
    const openaiModels = await harness.openai().models.list();
    expect(openaiModels.data.some((model) => model.id === 'gpt-4o-mini')).toBe(true);
    const anthropicModels = await harness.anthropic().models.list();
    expect(anthropicModels.data.some((model) => model.id.startsWith('claude'))).toBe(true);
  });

  it("counts Anthropic tokens through the SDK's countTokens(), unbilled and unrouted", async () => {
    const before = (await harness.ledgerRows()).length;
    const counted = await harness.anthropic().messages.countTokens({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    await expect(
      harness.anthropic().messages.countTokens({ model: 'claude-haiku-4-5', messages: [] }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await harness.ledgerRows()).toHaveLength(before);
  });

  it('proxies Anthropic messages, plain and streamed, with message_delta usage', async () => {
    const client = harness.anthropic();
    const { data, response } = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    expect(response.headers.get('x-spendwall-cost-usd')).toMatch(/^0\.\d{9}$/);

    const stream = client.messages.stream(
      {
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'stream please' }],
        metadata: { user_id: 'u-1' },
      },
      { headers: { 'x-spendwall-workload': 'anthropic-stream' } },
    );
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    const rows = await harness.ledgerRows();
    const row = rows.find((candidate) => candidate['workload'] === 'anthropic-stream');
    expect(Number(row?.['output_tokens'])).toBe(final.usage.output_tokens);
    expect(Number(row?.['input_tokens'])).toBeGreaterThan(0);
  });

  it('takes Spendwall labels out of Anthropic metadata, which accepts only user_id', async () => {
    const message = await harness.anthropic().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { user_id: 'u-2', workload: 'labelled-in-body' } as { user_id: string },
    });
    expect(message.type).toBe('message');
    const rows = await harness.ledgerRows();
    expect(rows.some((row) => row['workload'] === 'labelled-in-body')).toBe(true);
  });
});
