import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countChatPromptTokens, countTextTokens } from '../../core/tokens.js';
import { createEmulator, type Emulator } from '../index.js';
import { answer } from './reply.js';

const apiKey = 'sk-test';
const seed = 5;

let emulator: Emulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = createEmulator({ seed });
  const url = await emulator.listen(0);
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await emulator.close();
});

/** An input whose answer is longer than `tokens`, so a budget of `tokens` cuts it. */
function inputLongerThan(tokens: number): string {
  for (let index = 0; ; index++) {
    const input = `Summarize review number ${index}`;
    if (answer([{ role: 'user', content: input }], seed).tokens > tokens) return input;
  }
}

describe('POST /v1/responses', () => {
  it('answers text in, text out, so output_text works', async () => {
    const response = await client.responses.create({
      model: 'gpt-4.1-mini',
      instructions: 'Answer in one sentence.',
      input: 'What is the refund policy?',
    });
    const part = response.output[0];
    expect(part?.type).toBe('message');
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1-mini',
      service_tier: 'default',
      incomplete_details: null,
      error: null,
      instructions: 'Answer in one sentence.',
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(part).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: response.output_text, annotations: [] }],
    });
    const inputTokens = countChatPromptTokens([
      { content: 'Answer in one sentence.' },
      { content: 'What is the refund policy?' },
    ]);
    expect(response.usage).toEqual({
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: countTextTokens(response.output_text),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + countTextTokens(response.output_text),
    });
  });

  it('gives the same answer as chat completions for the same conversation', async () => {
    const input = [{ role: 'user' as const, content: 'Translate: bonjour' }];
    const response = await client.responses.create({ model: 'gpt-4o', input });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: input });
    expect(response.output_text).toBe(completion.choices[0]!.message.content);
  });

  it('stops at max_output_tokens with status incomplete', async () => {
    const response = await client.responses.create({
      model: 'gpt-4o',
      input: inputLongerThan(16),
      max_output_tokens: 16,
    });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.usage!.output_tokens).toBeLessThanOrEqual(16);
  });

  it('streams events the SDK assembles into the same response', async () => {
    const input = 'Describe the shipping delay.';
    const plain = await client.responses.create({ model: 'gpt-4o', input });
    const types: string[] = [];
    const stream = client.responses.stream({ model: 'gpt-4o', input });
    stream.on('event', (event) => types.push(event.type));
    const final = await stream.finalResponse();

    expect(final.output_text).toBe(plain.output_text);
    expect(final.status).toBe('completed');
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(types.filter((type) => type === 'response.output_text.delta').length).toBeGreaterThan(1);
  });

  it.each([
    [{ input: 'hi' }, 'model', 400],
    [{ model: 'gpt-4o' }, 'input', 400],
    [{ model: 'gpt-4o', input: [{ content: 'hi' }] }, 'input[0].role', 400],
    [{ model: 'gpt-4o', input: 'hi', max_output_tokens: 5 }, 'max_output_tokens', 400],
    [{ model: 'gpt-4o', input: 'hi', reasoning_level: 'low' }, 'reasoning_level', 400],
    [{ model: 'gpt-4o', input: 'hi', previous_response_id: 'resp_123' }, 'previous_response_id', 400],
    [{ model: 'text-embedding-3-small', input: 'hi' }, 'model', 400],
    [{ model: 'gpt-4o', input: 'hi', service_tier: 'flex' }, 'service_tier', 400],
    [{ model: 'gpt-nine', input: 'hi' }, 'model', 404],
  ])('answers an error naming the parameter for %j', async (body, param, status) => {
    const error = await client.responses.create(body as never).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(status);
    expect(error.error.param).toBe(param);
  });
});
