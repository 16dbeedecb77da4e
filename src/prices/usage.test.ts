import { describe, expect, it } from 'vitest';
import { costOf } from './cost.js';
import { priceFor } from './price-book.js';
import { usageFromAnthropicMessage, usageFromOpenAIBody } from './usage.js';

// Bodies shaped after the providers' API references, fields and nesting as documented.

const chatCompletion = {
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The ticket is about billing.', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 1117,
    completion_tokens: 46,
    total_tokens: 1163,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_fc9f1d7035',
};

const embeddings = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292, -0.0028842222] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 8, total_tokens: 8 },
};

const response = {
  id: 'resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41',
  object: 'response',
  created_at: 1741476777,
  status: 'completed',
  model: 'o4-mini-2025-04-16',
  output: [
    { type: 'reasoning', id: 'rs_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41', summary: [] },
    {
      type: 'message',
      id: 'msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Category: refund request.', annotations: [] }],
    },
  ],
  service_tier: 'flex',
  usage: {
    input_tokens: 81,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 1035,
    output_tokens_details: { reasoning_tokens: 832 },
    total_tokens: 1116,
  },
};

const anthropicMessage = {
  id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'The contract renews automatically each year.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 21,
    cache_creation_input_tokens: 188_086,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 188_086, ephemeral_1h_input_tokens: 0 },
    output_tokens: 393,
    service_tier: 'standard',
  },
};

describe('usageFromOpenAIBody', () => {
  it('reads a chat completion, cached tokens included in the input count', () => {
    expect(usageFromOpenAIBody(chatCompletion)).toEqual({
      inputTokens: 1117,
      cachedInputTokens: 1024,
      outputTokens: 46,
    });
  });

  it('reads an embeddings response, which has no output', () => {
    expect(usageFromOpenAIBody(embeddings)).toEqual({
      inputTokens: 8,
      cachedInputTokens: 0,
      outputTokens: 0,
    });
  });

  it('reads a Responses API response, reasoning tokens counted as output', () => {
    expect(usageFromOpenAIBody(response)).toEqual({
      inputTokens: 81,
      cachedInputTokens: 0,
      outputTokens: 1035,
    });
  });

  it('treats absent or null details as no cached tokens', () => {
    const body = { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: null } };
    expect(usageFromOpenAIBody(body)).toEqual({ inputTokens: 12, cachedInputTokens: 0, outputTokens: 3 });
  });

  it('gives undefined when there is no usable usage, so the cost stays unknown', () => {
    expect(usageFromOpenAIBody(undefined)).toBeUndefined();
    expect(usageFromOpenAIBody('{"usage":{}}')).toBeUndefined();
    expect(usageFromOpenAIBody({ ...chatCompletion, usage: null })).toBeUndefined();
    expect(usageFromOpenAIBody({ usage: { prompt_tokens: '12', completion_tokens: 3 } })).toBeUndefined();
    expect(usageFromOpenAIBody({ usage: { prompt_tokens: -1, completion_tokens: 3 } })).toBeUndefined();
    expect(usageFromOpenAIBody({ error: { message: 'bad', type: 'invalid_request_error' } })).toBeUndefined();
  });

  it('prices a chat completion end to end', () => {
    // gpt-4o: 93 uncached × 2,500 + 1,024 cached × 1,250 + 46 output × 10,000
    //       = 232,500 + 1,280,000 + 460,000 = 1,972,500 nano-USD
    const usage = usageFromOpenAIBody(chatCompletion);
    expect(usage && costOf(priceFor('openai', chatCompletion.model), usage, 'realtime')).toBe(1_972_500);
  });

  it('prices a flex response end to end', () => {
    // o4-mini flex: 81 × 550 + 1,035 × 2,200 = 44,550 + 2,277,000 = 2,321,550 nano-USD
    const usage = usageFromOpenAIBody(response);
    expect(usage && costOf(priceFor('openai', response.model), usage, 'flex')).toBe(2_321_550);
  });
});

describe('usageFromAnthropicMessage', () => {
  it('adds cache reads and writes back into the input count', () => {
    expect(usageFromAnthropicMessage(anthropicMessage)).toEqual({
      inputTokens: 188_107,
      cachedInputTokens: 0,
      cacheCreationInputTokens: 188_086,
      outputTokens: 393,
    });
  });

  it('reads the message of a succeeded batch result, with cache reads', () => {
    const result = {
      custom_id: 'ticket-00017',
      result: {
        type: 'succeeded',
        message: {
          ...anthropicMessage,
          usage: {
            input_tokens: 35,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 188_086,
            output_tokens: 120,
            service_tier: 'batch',
          },
        },
      },
    };
    const usage = usageFromAnthropicMessage(result.result.message);
    expect(usage).toEqual({
      inputTokens: 188_121,
      cachedInputTokens: 188_086,
      cacheCreationInputTokens: 0,
      outputTokens: 120,
    });
    // Sonnet 4.5 batch: 35 × 1,500 + 188,086 × 150 + 120 × 7,500
    //                 = 52,500 + 28,212,900 + 900,000 = 29,165,400 nano-USD
    expect(usage && costOf(priceFor('anthropic', anthropicMessage.model), usage, 'batch')).toBe(29_165_400);
  });

  it('keeps 1-hour cache writes apart when the split adds up', () => {
    const usage = usageFromAnthropicMessage({
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 5000,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 4000 },
        output_tokens: 1,
      },
    });
    expect(usage?.cacheCreation1hInputTokens).toBe(4000);
  });

  it('prices every write at the 5-minute rate when the split does not add up', () => {
    const usage = usageFromAnthropicMessage({
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 5000,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 1000 },
        output_tokens: 1,
      },
    });
    expect(usage?.cacheCreation1hInputTokens).toBeUndefined();
  });

  it('reads messages from before prompt caching reported anything', () => {
    const usage = usageFromAnthropicMessage({
      usage: {
        input_tokens: 12,
        output_tokens: 6,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
      },
    });
    expect(usage).toEqual({
      inputTokens: 12,
      cachedInputTokens: 0,
      cacheCreationInputTokens: 0,
      outputTokens: 6,
    });
  });

  it('gives undefined for anything that is not a message with usage', () => {
    expect(usageFromAnthropicMessage(null)).toBeUndefined();
    expect(usageFromAnthropicMessage({ type: 'error', error: { type: 'overloaded_error' } })).toBeUndefined();
    expect(usageFromAnthropicMessage({ usage: { input_tokens: 3 } })).toBeUndefined();
  });
});
