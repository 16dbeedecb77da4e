import { describe, expect, it } from 'vitest';
import { usageFromOpenAIBody } from '../../prices/usage.js';
import { completeUsage } from '../internal/usage.js';
import { openAIUsage } from './usage.js';

/** openAIUsage reads chat usage by hand; whatever the shape, it must agree with the schema's reading. */
describe('openAIUsage', () => {
  it.each([
    { usage: { prompt_tokens: 12, completion_tokens: 3 } },
    { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } } },
    { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: null } },
    { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: null } } },
    { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: {} } },
    { usage: { prompt_tokens: 12, completion_tokens: null } },
    { usage: { prompt_tokens: 12, total_tokens: 12 } },
    { usage: { prompt_tokens: 12, completion_tokens: -1 } },
    { usage: { prompt_tokens: 1.5, completion_tokens: 3 } },
    { usage: { prompt_tokens: '12', completion_tokens: 3 } },
    { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: -2 } } },
    { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: [] } },
    { usage: { input_tokens: 20, output_tokens: 5, input_tokens_details: { cached_tokens: 2 } } },
    { usage: null },
    { usage: [] },
    {},
    [],
    null,
    'text',
  ])('reads %j as the schema does', (body) => {
    expect(openAIUsage(body)).toEqual(completeUsage(usageFromOpenAIBody(body)));
  });
});
