import { describe, expect, it } from 'vitest';
import { classifyOpenAILine } from './results.js';

const answered = (status: number, body: unknown) => ({
  custom_id: 'r1',
  response: { status_code: status, request_id: 'req_1', body },
  error: null,
});

describe('classifyOpenAILine', () => {
  it('reads a 200 as succeeded, with the body as JSON text and its usage', () => {
    const body = {
      id: 'c1',
      usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } },
    };
    expect(classifyOpenAILine(answered(200, body))).toEqual({
      customId: 'r1',
      outcome: 'succeeded',
      statusCode: 200,
      body: JSON.stringify(body),
      error: null,
      usage: { inputTokens: 12, cachedInputTokens: 4, cacheCreationInputTokens: 0, outputTokens: 3 },
    });
  });

  it.each([
    [429, 'failed_retryable'],
    [500, 'failed_retryable'],
    [503, 'failed_retryable'],
    [400, 'failed_invalid'],
    [404, 'failed_invalid'],
  ])('reads a %i as %s, with the provider’s code', (status, outcome) => {
    const body = { error: { message: 'no', type: 'some_type', code: 'some_code' } };
    expect(classifyOpenAILine(answered(status, body))).toMatchObject({
      outcome,
      statusCode: status,
      error: { code: 'some_code', message: 'no' },
      usage: null,
    });
  });

  it.each([
    ['batch_expired', 'expired'],
    ['batch_cancelled', 'cancelled'],
    ['something_new', 'failed_retryable'],
  ])('reads a line that never ran with %s as %s', (code, outcome) => {
    const line = { custom_id: 'r2', response: null, error: { code, message: 'did not run' } };
    expect(classifyOpenAILine(line)).toMatchObject({
      outcome,
      statusCode: null,
      body: null,
      error: { code },
    });
  });
});
