import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countChatPromptTokens, countTextTokens } from '../../core/tokens.js';
import { createEmulator, type Emulator } from '../index.js';

const apiKey = 'sk-test';
const question = [{ role: 'user' as const, content: 'Classify this ticket: my invoice was charged twice.' }];

interface ErrorBody {
  error: { message: string };
}

let emulator: Emulator;
let url: string;
let client: OpenAI;

beforeAll(async () => {
  // A frozen clock (scale 0), so `created` can be compared with emulated time exactly.
  emulator = createEmulator({
    seed: 7,
    apiKeys: [apiKey],
    clock: { scale: 0 },
    timing: { flexLatencyMs: 0 },
  });
  url = await emulator.listen(0);
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await emulator.close();
});

describe('POST /v1/chat/completions', () => {
  it('answers deterministically, with usage counted by the tokenizer', async () => {
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    const content = first.choices[0]!.message.content!;

    expect(second.choices[0]!.message.content).toBe(content);
    expect(first.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(second.id).not.toBe(first.id);
    expect(first).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      service_tier: 'default',
      choices: [
        { index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', refusal: null } },
      ],
    });
    expect(first.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    expect(first.created).toBe(emulator.clock.nowSeconds());
    emulator.clock.advance(10_000);
    const later = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    expect(later.created).toBe(first.created + 10);
    expect(first.usage).toEqual({
      prompt_tokens: countChatPromptTokens(question),
      completion_tokens: countTextTokens(content),
      total_tokens: countChatPromptTokens(question) + countTextTokens(content),
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('streams the same text, with usage only in a last chunk that has no choices', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-4o', messages: question });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const last = chunks.at(-1)!;
    const withChoices = chunks.slice(0, -1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    expect(
      withChoices.every((chunk) => chunk.usage === null && chunk.object === 'chat.completion.chunk'),
    ).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(withChoices[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(withChoices.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(withChoices.length).toBeGreaterThan(3);
    const text = withChoices.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0]!.message.content);
  });

  it('writes server-sent events ending in [DONE], without usage unless asked', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: question, stream: true }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('writes a stream incrementally rather than all at once', async () => {
    const slow = createEmulator({ timing: { streamChunkDelayMs: 40 } });
    const slowUrl = await slow.listen(0);
    try {
      const response = await fetch(`${slowUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model: 'gpt-4o', messages: question, stream: true }),
      });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first.startsWith('data: ')).toBe(true);
      expect(first).not.toContain('[DONE]');
      await reader.cancel();
    } finally {
      await slow.close();
    }
  });

  it('stops at the token budget with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: question,
      max_completion_tokens: 3,
    });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(3);
    const legacy = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: question,
      max_tokens: 3,
    });
    expect(legacy.choices[0]!.message.content).toBe(completion.choices[0]!.message.content);
  });

  it('answers n choices and stops before a stop sequence', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: question, n: 2 });
    const [first, second] = completion.choices.map((choice) => choice.message.content!);
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
    expect(completion.usage!.completion_tokens).toBe(countTextTokens(first!) + countTextTokens(second!));

    const words = first!.split(' ');
    const stop = ` ${words[Math.floor(words.length / 2)]}`;
    const stopped = await client.chat.completions.create({ model: 'gpt-4o', messages: question, stop });
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    expect(stopped.choices[0]!.message.content).toBe(first!.slice(0, first!.indexOf(stop)));
  });
});

describe('errors in OpenAI shape', () => {
  it('answers 401 without a key and with a wrong one', async () => {
    const missing = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as ErrorBody).error.message).toContain("You didn't provide an API key");

    const wrong = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-wrong-key-1234', maxRetries: 0 });
    const error = await wrong.chat.completions
      .create({ model: 'gpt-4o', messages: question })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.code).toBe('invalid_api_key');
    expect(error.message).not.toContain('sk-wrong-key-1234');
  });

  it.each([
    [{ model: 'gpt-4o' }, 'messages', 'missing_required_parameter'],
    [{ messages: question }, 'model', 'missing_required_parameter'],
    [{ model: 'gpt-4o', messages: [] }, 'messages', 'empty_array'],
    [{ model: 'gpt-4o', messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role', 'invalid_value'],
    [{ model: 'gpt-4o', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', 'invalid_type'],
    [{ model: 'gpt-4o', messages: question, temperature: 3 }, 'temperature', 'decimal_above_max_value'],
    [{ model: 'gpt-4o', messages: question, n: 1.5 }, 'n', 'invalid_type'],
    [
      { model: 'gpt-4o', messages: question, stream_options: { include_usage: true } },
      'stream_options',
      null,
    ],
  ])('answers 400 naming the parameter for %j', async (body, param, code) => {
    const error = await client.chat.completions.create(body as never).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param, code });
  });

  it('answers 400 for a body that is not JSON, or has an unknown parameter', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: '{"model": "gpt-4o",',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toMatch(
      /^We could not parse the JSON body of your request/,
    );

    const unknown = await client.chat.completions
      .create({ model: 'gpt-4o', messages: question, temprature: 1 } as never)
      .catch((e) => e);
    expect(unknown.status).toBe(400);
    expect(unknown.error.message).toBe('Unrecognized request argument supplied: temprature');
  });

  it('answers 404 model_not_found for an unknown model', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-9', messages: question })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(error.error.message).toContain('gpt-9');
  });
});

describe('models and in-process fetch', () => {
  it('lists the catalog', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'o3', 'text-embedding-3-small']));
  });

  it('answers through emulator.fetch exactly as over the socket', async () => {
    const inProcess = new OpenAI({
      baseURL: 'http://emulator/v1',
      apiKey,
      maxRetries: 0,
      fetch: emulator.fetch,
    });
    const local = await inProcess.chat.completions.create({ model: 'gpt-4o', messages: question });
    const remote = await client.chat.completions.create({ model: 'gpt-4o', messages: question });
    expect(local.choices[0]!.message.content).toBe(remote.choices[0]!.message.content);
  });
});
