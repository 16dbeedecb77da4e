import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { IdGenerator } from '../ids.js';
import { createEmulator } from '../index.js';
import { resolveEmulatorOptions } from '../options.js';
import { EmulatorRecord } from '../record.js';
import { WebhookSender } from '../webhooks.js';
import { executeOpenAIRequest } from './execute.js';

const options = resolveEmulatorOptions({ seed: 9, timing: { realtimeLatencyMs: 60_000 } });
const record = new EmulatorRecord();
const context: EmulatorContext = {
  options,
  clock: new EmulatorClock(options.clock),
  ids: new IdGenerator(options.seed),
  record,
  webhooks: new WebhookSender(undefined, record),
  tickers: [],
};
const emulator = createEmulator({ seed: 9 });
const messages = [{ role: 'user', content: 'Label the sentiment: the parcel arrived broken.' }];

afterAll(async () => {
  await emulator.close();
});

function errorOf(outcome: { body: unknown }) {
  return (outcome.body as { error: { message: string; param: string | null; code: string | null } }).error;
}

describe('executeOpenAIRequest', () => {
  it('answers a batch line exactly as the real-time endpoint does, synchronously', async () => {
    const line = executeOpenAIRequest(context, '/v1/chat/completions', { model: 'gpt-4o', messages });
    const http = await emulator.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model: 'gpt-4o', messages }),
    });
    const live = (await http.json()) as Record<string, unknown>;
    const body = line.body as Record<string, unknown>;

    expect(line.statusCode).toBe(200);
    expect(body.choices).toEqual(live.choices);
    expect(body.usage).toEqual(live.usage);
    expect(body.system_fingerprint).toBe(live.system_fingerprint);
  });

  it('ignores stream for a batch line, which has no connection to stream on', () => {
    const line = executeOpenAIRequest(context, '/v1/chat/completions', {
      model: 'gpt-4o',
      messages,
      stream: true,
    });
    expect(line.statusCode).toBe(200);
    expect((line.body as { object: string }).object).toBe('chat.completion');
  });

  it('runs embeddings and responses', () => {
    const embedding = executeOpenAIRequest(context, '/v1/embeddings', {
      model: 'text-embedding-3-small',
      input: 'hello',
      dimensions: 8,
    });
    expect((embedding.body as { data: Array<{ embedding: number[] }> }).data[0]!.embedding).toHaveLength(8);
    const response = executeOpenAIRequest(context, '/v1/responses', { model: 'gpt-4o', input: 'hello' });
    expect((response.body as { status: string }).status).toBe('completed');
  });

  it.each([
    [{ model: 'gpt-4o' }, "Missing required parameter: 'messages'.", 'messages'],
    [
      { model: 'gpt-4o', messages: [{ role: 'robot', content: 'hi' }] },
      "Invalid value: 'robot'. Supported values are: 'developer', 'system', 'user', 'assistant', 'tool', and 'function'.",
      'messages[0].role',
    ],
    [
      { model: 'gpt-4o', messages: [{ role: 'user', content: 7 }] },
      "Invalid type for 'messages[0].content': expected one of a string or an array, but got an integer instead.",
      'messages[0].content',
    ],
    [
      { model: 'gpt-4o', messages, n: 0 },
      "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
      'n',
    ],
    [
      { model: 'gpt-4o', messages: [{ role: 'tool', content: 'done' }] },
      "Missing required parameter: 'messages[0].tool_call_id'.",
      'messages[0].tool_call_id',
    ],
    ['not an object', 'Invalid type for body: expected an object, but got a string instead.', null],
  ])('answers 400 with OpenAI wording for %j', (body, message, param) => {
    const line = executeOpenAIRequest(context, '/v1/chat/completions', body);
    expect(line.statusCode).toBe(400);
    expect(errorOf(line)).toMatchObject({ message, param });
  });

  it('answers 404 for an unknown model and 400 for an endpoint it does not run', () => {
    const unknown = executeOpenAIRequest(context, '/v1/chat/completions', { model: 'gpt-0', messages });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).code).toBe('model_not_found');

    const endpoint = executeOpenAIRequest(context, '/v1/completions', { model: 'gpt-4o', prompt: 'hi' });
    expect(endpoint.statusCode).toBe(400);
    expect(errorOf(endpoint).param).toBe('url');
  });
});
