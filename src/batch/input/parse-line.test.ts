import { describe, expect, it } from 'vitest';
import { type LineContext, parseJobLine } from './parse-line.js';
import type { AcceptedLine, JobInputLine, RejectedLine } from './types.js';

const defaults: LineContext = { maxLineBytes: 1024, provider: undefined, endpoint: undefined };

function parse(line: unknown, context: Partial<LineContext> = {}): JobInputLine {
  const text = typeof line === 'string' ? line : JSON.stringify(line);
  const byteLength = Buffer.byteLength(text);
  return parseJobLine(
    { line: 4, startOffset: 100, endOffset: 101 + byteLength, text, byteLength, isValidUtf8: true },
    { ...defaults, ...context },
  );
}

function accepted(line: unknown, context: Partial<LineContext> = {}): AcceptedLine {
  const result = parse(line, context);
  if (result.kind !== 'accepted')
    throw new Error(`expected acceptance, got ${result.code}: ${result.reason}`);
  return result;
}

function rejected(line: unknown, context: Partial<LineContext> = {}): RejectedLine {
  const result = parse(line, context);
  if (result.kind !== 'rejected') throw new Error(`expected a rejection, got ${result.endpoint}`);
  return result;
}

const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi there' }] };
const claudeParams = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Hi' }],
};
const openAiLine = (body: unknown, extra: object = {}) => ({
  custom_id: 'request-1',
  method: 'POST',
  url: '/v1/chat/completions',
  body,
  ...extra,
});

describe('parseJobLine: accepted shapes', () => {
  it('reads an OpenAI batch line, keeping the body as minified JSON and the byte range', () => {
    const line = accepted(`{ "custom_id": "request-1", "method": "POST", "url": "/v1/chat/completions",
      "body": { "model": "gpt-4o-mini", "messages": [ { "role": "user", "content": "Hi there" } ], "temperature": 0 } }`);
    expect(line).toMatchObject({
      line: 4,
      startOffset: 100,
      customId: 'request-1',
      provider: 'openai',
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      format: 'openai-batch',
      body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi there"}],"temperature":0}',
    });
    expect(line.estimatedInputTokens).toBeGreaterThan(6);
  });

  it.each([
    ['/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] }],
    ['/v1/responses', { model: 'gpt-4.1', input: 'Write a haiku', instructions: 'Be brief' }],
    ['/v1/responses', { model: 'gpt-4.1', previous_response_id: 'resp_1' }],
    ['/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' }],
    ['/v1/moderations', { model: 'omni-moderation-latest', input: 'text to check' }],
  ])('accepts OpenAI batch lines for %s', (url, body) => {
    expect(accepted(openAiLine(body, { url }))).toMatchObject({ endpoint: url, model: body.model });
  });

  it('reads an Anthropic batch line from its params', () => {
    const line = accepted({ custom_id: 'review_0001', params: { ...claudeParams, system: 'Grade it' } });
    expect(line).toMatchObject({
      customId: 'review_0001',
      provider: 'anthropic',
      endpoint: '/v1/messages',
      model: 'claude-sonnet-4-5',
      format: 'anthropic-batch',
    });
    expect(JSON.parse(line.body)).toEqual({ ...claudeParams, system: 'Grade it' });
  });

  it('takes custom_ids that Anthropic itself would refuse: the engine maps ids per provider', () => {
    expect(accepted({ custom_id: 'order #42 / retry', params: claudeParams }).customId).toBe(
      'order #42 / retry',
    );
  });

  it.each([
    ['a chat body', chatBody, 'openai', '/v1/chat/completions'],
    ['a claude body', claudeParams, 'anthropic', '/v1/messages'],
    [
      'an embedding model with input',
      { model: 'text-embedding-3-large', input: 'x' },
      'openai',
      '/v1/embeddings',
    ],
    ['another model with input', { model: 'gpt-4.1', input: 'x' }, 'openai', '/v1/responses'],
    [
      'a moderation model with input',
      { model: 'omni-moderation-latest', input: 'x' },
      'openai',
      '/v1/moderations',
    ],
    ['a prompt', { model: 'gpt-3.5-turbo-instruct', prompt: 'x' }, 'openai', '/v1/completions'],
  ])('infers the provider and endpoint of %s', (_name, body, provider, endpoint) => {
    expect(accepted(body)).toMatchObject({ provider, endpoint, format: 'bare', customId: 'line-4' });
  });

  it('sends bare bodies where --endpoint and --provider say, over inference', () => {
    const embedded = accepted({ model: 'my-embedder', input: 'x' }, { endpoint: '/v1/embeddings' });
    expect(embedded).toMatchObject({ provider: 'openai', endpoint: '/v1/embeddings' });
    const viaOpenAi = accepted({ ...claudeParams }, { provider: 'openai' });
    expect(viaOpenAi).toMatchObject({ provider: 'openai', endpoint: '/v1/chat/completions' });
    const viaAnthropic = accepted({ ...chatBody, max_tokens: 10 }, { provider: 'anthropic' });
    expect(viaAnthropic).toMatchObject({ provider: 'anthropic', endpoint: '/v1/messages' });
    expect(accepted({ ...claudeParams, model: 'proxy-model' }, { endpoint: '/v1/messages' }).provider).toBe(
      'anthropic',
    );
  });

  it('accepts lines that agree with a forced provider', () => {
    expect(accepted(openAiLine(chatBody), { provider: 'openai' }).provider).toBe('openai');
    expect(accepted({ custom_id: 'x', params: claudeParams }, { provider: 'anthropic' }).provider).toBe(
      'anthropic',
    );
  });
});

describe('parseJobLine: rejections name the field and what was expected', () => {
  it.each([
    ['', 'empty_line', 'line: empty, expected a JSON object'],
    ['   \t', 'empty_line', 'line: empty, expected a JSON object'],
    ['[1,2]', 'wrong_type', 'line: expected a JSON object, got an array'],
    ['"text"', 'wrong_type', 'line: expected a JSON object, got "text"'],
  ])('rejects %j as %s', (text, code, reason) => {
    expect(rejected(text)).toMatchObject({ code, reason, customId: null, line: 4, startOffset: 100 });
  });

  it('reports the parser message for broken JSON', () => {
    const result = rejected('{"custom_id": "a", "body": {');
    expect(result.code).toBe('invalid_json');
    expect(result.reason).toMatch(/^line: invalid JSON: .+/);
  });

  it('reports an oversized or undecodable line', () => {
    const tooLarge = parseJobLine(
      { line: 2, startOffset: 5, endOffset: 2006, text: null, byteLength: 2000, isValidUtf8: true },
      defaults,
    );
    expect(tooLarge).toMatchObject({
      code: 'line_too_large',
      reason: 'line: 2000 bytes, more than the 1024-byte limit for one line',
    });
    const garbled = parseJobLine(
      { line: 2, startOffset: 5, endOffset: 9, text: '{\uFFFD}', byteLength: 3, isValidUtf8: false },
      defaults,
    );
    expect(garbled).toMatchObject({
      code: 'invalid_encoding',
      reason: 'line: expected UTF-8 text, got invalid byte sequences',
    });
  });

  it.each([
    [openAiLine(undefined), 'missing_field', 'body: missing, expected a JSON object'],
    [openAiLine({ messages: [] }), 'missing_field', 'body.model: missing, expected a string'],
    [openAiLine({ model: 42, messages: [] }), 'wrong_type', 'body.model: expected a string, got 42'],
    [openAiLine({ model: 'gpt-4o' }), 'missing_field', 'body.messages: missing, expected an array'],
    [
      openAiLine({ model: 'gpt-4o', messages: 'hi' }),
      'wrong_type',
      'body.messages: expected an array, got "hi"',
    ],
    [
      openAiLine({ model: 'gpt-4o', messages: [{ role: 'user' }, 'oops'] }),
      'wrong_type',
      'body.messages[1]: expected an object, got "oops"',
    ],
    [
      openAiLine({ model: 'text-embedding-3-small' }, { url: '/v1/embeddings' }),
      'missing_field',
      'body.input: missing, expected a string or an array',
    ],
    [openAiLine(chatBody, { method: 'GET' }), 'invalid_value', 'method: expected "POST", got "GET"'],
    [
      openAiLine(chatBody, { url: '/v1/images/generations' }),
      'unsupported_endpoint',
      'url: expected one of /v1/chat/completions, /v1/embeddings, /v1/responses, /v1/completions, /v1/moderations, got "/v1/images/generations"',
    ],
    [openAiLine(chatBody, { url: 7 }), 'wrong_type', 'url: expected one of'],
    [
      openAiLine(chatBody, { custom_id: undefined }),
      'missing_field',
      'custom_id: missing, expected a non-empty string',
    ],
    [
      openAiLine(chatBody, { custom_id: '' }),
      'invalid_custom_id',
      'custom_id: expected a non-empty string of at most 512 characters, got an empty string',
    ],
    [
      openAiLine(chatBody, { custom_id: 'x'.repeat(513) }),
      'invalid_custom_id',
      'got a string of 513 characters',
    ],
    [
      openAiLine(chatBody, { custom_id: 12 }),
      'invalid_custom_id',
      'custom_id: expected a non-empty string of at most 512 characters, got 12',
    ],
  ])('rejects an OpenAI batch line: %j', (line, code, reason) => {
    const result = rejected(line);
    expect(result.code).toBe(code);
    expect(result.reason).toContain(reason);
  });

  it.each([
    [{ max_tokens: 10, messages: [] }, 'missing_field', 'params.model: missing, expected a string'],
    [
      { model: 'claude-x', messages: [] },
      'missing_field',
      'params.max_tokens: missing, expected a positive integer',
    ],
    [
      { model: 'claude-x', max_tokens: 0, messages: [] },
      'invalid_value',
      'params.max_tokens: expected a positive integer, got 0',
    ],
    [
      { model: 'claude-x', max_tokens: 2.5, messages: [] },
      'invalid_value',
      'params.max_tokens: expected a positive integer, got 2.5',
    ],
    [
      { model: 'claude-x', max_tokens: '10', messages: [] },
      'wrong_type',
      'params.max_tokens: expected a positive integer, got "10"',
    ],
    [
      { model: 'claude-x', max_tokens: 10, messages: {} },
      'wrong_type',
      'params.messages: expected an array, got an object',
    ],
    [
      { model: 'claude-x', max_tokens: 10, messages: [], system: 3 },
      'wrong_type',
      'params.system: expected a string or an array, got 3',
    ],
  ])('rejects Anthropic params %j', (params, code, reason) => {
    expect(rejected({ custom_id: 'a-1', params })).toMatchObject({ code, reason, customId: 'a-1' });
  });

  it('counts the further problems of a line after the first', () => {
    expect(rejected({ custom_id: 'a-1', params: { messages: 1 } }).reason).toBe(
      'params.model: missing, expected a string (and 2 more problems)',
    );
  });

  it('rejects bare bodies it cannot place', () => {
    expect(rejected({ messages: [] })).toMatchObject({
      code: 'missing_field',
      reason: 'model: missing, expected a string',
      customId: 'line-4',
    });
    expect(rejected({ model: 'gpt-4o', temperature: 1 })).toMatchObject({ code: 'missing_field' });
    expect(rejected({ model: 'gpt-4o', temperature: 1 }).reason).toContain(
      'expected `messages` (chat completions)',
    );
    expect(rejected({ model: 'claude-x', messages: [] })).toMatchObject({
      code: 'missing_field',
      reason: 'max_tokens: missing, expected a positive integer',
    });
  });

  it('rejects lines that mix or miss the batch shapes', () => {
    expect(rejected({ custom_id: 'a', body: chatBody, params: claudeParams })).toMatchObject({
      code: 'unrecognized_shape',
      customId: 'a',
    });
    const idWithBareBody = rejected({ custom_id: 'a', ...chatBody });
    expect(idWithBareBody.code).toBe('unrecognized_shape');
    expect(idWithBareBody.reason).toContain('expected an OpenAI batch line {custom_id, method, url, body}');
  });

  it('rejects lines whose shape contradicts a forced provider', () => {
    const anthropicLine = rejected({ custom_id: 'x', params: claudeParams }, { provider: 'openai' });
    expect(anthropicLine).toMatchObject({ code: 'provider_mismatch', customId: 'x' });
    expect(anthropicLine.reason).toContain(
      'is an Anthropic batch line {custom_id, params} but --provider openai',
    );
    const openAiBatchLine = rejected(openAiLine(chatBody), { provider: 'anthropic' });
    expect(openAiBatchLine).toMatchObject({ code: 'provider_mismatch', customId: 'request-1' });
    expect(openAiBatchLine.reason).toContain('but --provider anthropic');
  });

  it('holds a bare body sent to Anthropic by --provider to the Messages rules', () => {
    expect(rejected(chatBody, { provider: 'anthropic' })).toMatchObject({
      code: 'missing_field',
      reason: 'max_tokens: missing, expected a positive integer',
    });
  });
});
