import { describe, expect, it } from 'vitest';
import { classifyAnthropicLine } from './results.js';

const classify = (result: Record<string, unknown>) =>
  classifyAnthropicLine({ custom_id: 'r1', result: result as { type: string } }, 'batch b1, results', 4);

describe('classifyAnthropicLine', () => {
  it('reads a succeeded result as the message, with usage counting cache reads and writes as input', () => {
    const message = {
      id: 'msg_1',
      type: 'message',
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: 30,
      },
    };
    expect(classify({ type: 'succeeded', message })).toEqual({
      customId: 'r1',
      outcome: 'succeeded',
      statusCode: 200,
      body: JSON.stringify(message),
      error: null,
      usage: { inputTokens: 60, cachedInputTokens: 20, cacheCreationInputTokens: 30, outputTokens: 5 },
    });
  });

  it.each([
    ['api_error', 'failed_retryable'],
    ['overloaded_error', 'failed_retryable'],
    ['rate_limit_error', 'failed_retryable'],
    ['timeout_error', 'failed_retryable'],
    ['invalid_request_error', 'failed_invalid'],
    ['not_found_error', 'failed_invalid'],
    ['billing_error', 'failed_invalid'],
  ])('reads an errored %s as %s', (type, outcome) => {
    const error = { type: 'error', error: { type, message: 'why' }, request_id: null };
    expect(classify({ type: 'errored', error })).toMatchObject({
      outcome,
      body: JSON.stringify(error),
      error: { code: type, message: 'why' },
      usage: null,
    });
  });

  it('reads the older errored shape, with the error object alone', () => {
    expect(classify({ type: 'errored', error: { type: 'overloaded_error', message: 'busy' } })).toMatchObject(
      {
        outcome: 'failed_retryable',
        error: { code: 'overloaded_error' },
      },
    );
  });

  it('reads canceled and expired results with the codes OpenAI uses for the same', () => {
    expect(classify({ type: 'canceled' })).toMatchObject({
      outcome: 'cancelled',
      error: { code: 'batch_cancelled' },
    });
    expect(classify({ type: 'expired' })).toMatchObject({
      outcome: 'expired',
      error: { code: 'batch_expired' },
    });
  });

  it('reads a result type it does not know as retryable, naming where it was', () => {
    const result = classify({ type: 'deferred' });
    expect(result.outcome).toBe('failed_retryable');
    expect(result.error?.message).toContain('batch b1, results, line 4');
  });
});
