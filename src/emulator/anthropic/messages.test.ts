import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../core/tokens.js';
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

/** The refusal the SDK raises, as `{ status, type, message }`. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError) {
      const body = error.error as { type?: string; error?: { type?: string; message?: string } };
      return {
        status: error.status,
        bodyType: body.type,
        type: body.error?.type,
        message: body.error?.message,
      };
    }
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('POST /v1/messages', () => {
  it('answers a deterministic message with usage', async () => {
    const params = {
      model,
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'Classify: refund' }],
    };
    const first = await client.messages.create(params);
    const second = await client.messages.create(params);

    expect(first.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(first.type).toBe('message');
    expect(first.role).toBe('assistant');
    expect(first.model).toBe(model);
    expect(first.stop_reason).toBe('end_turn');
    expect(first.stop_sequence).toBeNull();
    expect(first.content).toHaveLength(1);
    const text = first.content[0]?.type === 'text' ? first.content[0].text : '';
    expect(text.length).toBeGreaterThan(0);
    expect(second.content).toEqual(first.content);
    expect(second.id).not.toBe(first.id);
    expect(first.usage).toMatchObject({
      input_tokens: countTextTokens('Classify: refund') + 3,
      output_tokens: countTextTokens(text),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: 'standard',
    });
  });

  it('treats a string and the same text as one block alike, and counts the system prompt', async () => {
    const asString = await client.messages.create({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const asBlock = await client.messages.create({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
    });
    expect(asBlock.content).toEqual(asString.content);
    const withSystem = await client.messages.create({
      model,
      max_tokens: 200,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(withSystem.usage.input_tokens).toBe(
      asString.usage.input_tokens + countTextTokens('You are terse.'),
    );
  });

  it('resolves a model alias to its snapshot', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.model).toBe(model);
  });

  it('serves the current Claude models the catalog prices, and lists them', async () => {
    const listed = (await client.models.list()).data.map((entry) => entry.id);
    for (const id of ['claude-opus-5-5', 'claude-fable-5-1', 'claude-sonnet-5', 'claude-opus-4-5-20251101']) {
      expect(listed, id).toContain(id);
    }
    const opus45 = await client.messages.create({
      model: 'claude-opus-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(opus45.model).toBe('claude-opus-4-5-20251101');
    const opus55 = await client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(opus55.model).toBe('claude-opus-5-5');
    expect((await client.models.retrieve('claude-sonnet-4-6')).display_name).toBe('Claude Sonnet 4.6');

    // The SDK refuses such large non-streaming requests itself, so the limit is checked over HTTP.
    const tooLong = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'sk-ant-test',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude-opus-5-5',
        max_tokens: 128_001,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(await tooLong.json())).toContain('128001 > 128000');
  });

  it('stops at max_tokens and bills exactly max_tokens', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 3,
      messages: [{ role: 'user', content: 'Write a long report' }],
    });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(3);
    const text = message.content[0]?.type === 'text' ? message.content[0].text : '';
    expect(countTextTokens(text)).toBeLessThanOrEqual(3);
  });

  it('stops at the first stop sequence found in the text', async () => {
    const params = { model, max_tokens: 500, messages: [{ role: 'user' as const, content: 'Find a stop' }] };
    const plain = await client.messages.create(params);
    const text = plain.content[0]?.type === 'text' ? plain.content[0].text : '';
    const sequence = text.split(' ')[2]!;
    const stopped = await client.messages.create({ ...params, stop_sequences: [sequence] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(sequence);
    const stoppedText = stopped.content[0]?.type === 'text' ? stopped.content[0].text : '';
    expect(stoppedText).toBe(text.slice(0, text.indexOf(sequence)));
  });

  it('accepts consecutive turns of one role and a final assistant prefill', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'The answer is' },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
  });
});

describe('POST /v1/messages, streamed', () => {
  const params = {
    model,
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: 'Summarize the ticket' }],
  };

  it('streams the same message the plain call returns', async () => {
    const plain = await client.messages.create(params);
    const final = await client.messages.stream(params).finalMessage();
    expect(final.content).toEqual(plain.content);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
  });

  it('yields the events in order through the SDK', async () => {
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const deltas = types.filter((type) => type === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const plain = await client.messages.create(params);
    expect(plain.content[0]).toMatchObject({ type: 'text', text });
  });

  it('writes the raw event sequence, ping included, as server-sent events', async () => {
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'sk-ant-test',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...params, stream: true }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text())
      .split('\n\n')
      .filter(Boolean)
      .map((block) => {
        const event = block.match(/^event: (.+)$/m)?.[1];
        const data = JSON.parse(block.match(/^data: (.+)$/m)?.[1] ?? 'null') as { type: string };
        expect(data.type).toBe(event);
        return event;
      });
    expect(events.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(events.slice(3, -3))).toEqual(new Set(['content_block_delta']));
  });
});

describe('POST /v1/messages, streamed with a chunk delay', () => {
  it('writes events as they happen instead of one buffered body', async () => {
    const slow = createEmulator({ timing: { streamChunkDelayMs: 20 } });
    const response = await slow.fetch('http://emulator/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        max_tokens: 200,
        stream: true,
        messages: [{ role: 'user', content: 'Go' }],
      }),
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: message_start');
    expect(first).not.toContain('event: message_stop');
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toContain('event: message_stop');
    await slow.close();
  });
});

describe('refusals', () => {
  it('answers 401 authentication_error without a key', async () => {
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it.each([
    [{ max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, 'model: Field required'],
    [{ model, messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens: Field required'],
    [{ model, max_tokens: 10, messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
    [
      { model, max_tokens: 10, messages: [{ role: 'robot', content: 'hi' }] },
      "messages.0.role: Input should be 'user', 'assistant' or 'system'",
    ],
    [
      { model, max_tokens: 10, messages: [] },
      'messages: List should have at least 1 item after validation, not 0',
    ],
    [
      { model, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] },
      'messages.0.content.0.text: Input should be a valid string',
    ],
    [
      { model, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'video' }] }] },
      "messages.0.content.0.type: Input tag 'video'",
    ],
    [
      { model, max_tokens: 10, messages: [{ role: 'user', content: 7 }] },
      'messages.0.content: Input should be a valid string or a valid list',
    ],
    [
      { model, max_tokens: 10, messages: [{ role: 'assistant', content: 'hi' }] },
      'messages: first message must use the "user" role',
    ],
    [
      {
        model,
        max_tokens: 10,
        messages: [
          { role: 'user', content: '' },
          { role: 'assistant', content: 'x' },
        ],
      },
      'messages.0: all messages must have non-empty content',
    ],
    [
      { model, max_tokens: 10, temperature: 1.5, messages: [{ role: 'user', content: 'hi' }] },
      'temperature: Input should be less than or equal to 1',
    ],
    [
      { model, max_tokens: 10, stop_sequences: [' '], messages: [{ role: 'user', content: 'hi' }] },
      'stop_sequences: each stop sequence must contain non-whitespace',
    ],
    [
      { model, max_tokens: 10, metadata: { user: 'x' }, messages: [{ role: 'user', content: 'hi' }] },
      'metadata.user: Extra inputs are not permitted',
    ],
    [
      { model, max_tokens: 10, colour: 'red', messages: [{ role: 'user', content: 'hi' }] },
      'colour: Extra inputs are not permitted',
    ],
    [
      { model: 'claude-3-5-haiku-20241022', max_tokens: 10_000, messages: [{ role: 'user', content: 'hi' }] },
      'max_tokens: 10000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-20241022',
    ],
  ])('refuses %j with 400 naming the field', async (body, message) => {
    const refused = await refusal(
      client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(refused).toMatchObject({ status: 400, bodyType: 'error', type: 'invalid_request_error' });
    expect(refused.message).toContain(message);
  });

  it('answers 404 not_found_error for an unknown model', async () => {
    const refused = await refusal(
      client.messages.create({
        model: 'claude-nonexistent',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(refused).toMatchObject({
      status: 404,
      type: 'not_found_error',
      message: 'model: claude-nonexistent',
    });
  });

  it('refuses a body that is not JSON, and a request without anthropic-version', async () => {
    const headers = { 'x-api-key': 'sk-ant-test', 'content-type': 'application/json' };
    const notJson = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { ...headers, 'anthropic-version': '2023-06-01' },
      body: '{"model":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const unversioned = await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: '{}' });
    expect(unversioned.status).toBe(400);
    expect(await unversioned.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });
});

describe('POST /v1/messages/count_tokens', () => {
  it('counts what usage.input_tokens reports', async () => {
    const params = { model, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Count me' }] };
    const counted = await client.messages.countTokens(params);
    const message = await client.messages.create({ ...params, max_tokens: 20 });
    expect(counted.input_tokens).toBe(message.usage.input_tokens);
  });
});
