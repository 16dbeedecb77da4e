import { describe, expect, it } from 'vitest';
import { countChatPromptTokens, countEmbeddingTokens, countTextTokens } from '../../core/tokens.js';
import { estimateInputTokens, inputTokensUpperBound } from './token-estimate.js';

const messages = [
  { role: 'system', content: 'You sort tickets.' },
  { role: 'user', content: [{ type: 'text', text: 'My invoice is wrong.' }] },
];

describe('estimateInputTokens', () => {
  it('counts chat messages with their framing', () => {
    expect(estimateInputTokens('/v1/chat/completions', { model: 'gpt-4o', messages })).toBe(
      countChatPromptTokens(messages),
    );
  });

  it('counts Anthropic messages like chat, plus the system prompt in either form', () => {
    const chat = countChatPromptTokens(messages);
    const system = countTextTokens('Answer in French.');
    expect(estimateInputTokens('/v1/messages', { messages, system: 'Answer in French.' })).toBe(
      chat + system,
    );
    expect(
      estimateInputTokens('/v1/messages', {
        messages,
        system: [{ type: 'text', text: 'Answer in French.' }],
      }),
    ).toBe(chat + system);
    expect(estimateInputTokens('/v1/messages', { messages })).toBe(chat);
  });

  it('counts responses instructions and input, as a string or as items', () => {
    const expected = countTextTokens('Be brief.') + countTextTokens('Summarize the report.');
    expect(
      estimateInputTokens('/v1/responses', { instructions: 'Be brief.', input: 'Summarize the report.' }),
    ).toBe(expected);
    expect(
      estimateInputTokens('/v1/responses', {
        instructions: 'Be brief.',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Summarize the report.' }] }],
      }),
    ).toBe(expected);
    expect(estimateInputTokens('/v1/responses', { previous_response_id: 'resp_1' })).toBe(0);
  });

  it("sums every embeddings input with the embedding models' tokenizer; token arrays count their length", () => {
    expect(estimateInputTokens('/v1/embeddings', { input: ['first text', 'second text'] })).toBe(
      countEmbeddingTokens('first text') + countEmbeddingTokens('second text'),
    );
    expect(estimateInputTokens('/v1/embeddings', { input: [101, 102, 103] })).toBe(3);
    expect(estimateInputTokens('/v1/embeddings', { input: [[1, 2], [3]] })).toBe(3);
    // cl100k_base, as OpenAI's embedding models count, not the chat models' o200k_base.
    const german = 'Überprüfung der Rechnung: 1234567 Positionen';
    expect(estimateInputTokens('/v1/embeddings', { input: german })).toBe(15);
    expect(countTextTokens(german)).toBe(11);
    expect(inputTokensUpperBound('/v1/embeddings', { input: german })).toBeGreaterThanOrEqual(15);
  });

  it('counts completions prompts and moderation inputs, including typed parts', () => {
    expect(estimateInputTokens('/v1/completions', { prompt: 'Once upon a time' })).toBe(
      countTextTokens('Once upon a time'),
    );
    expect(
      estimateInputTokens('/v1/moderations', {
        input: [
          { type: 'text', text: 'is this fine' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      }),
    ).toBe(countTextTokens('is this fine'));
  });
});

describe('estimateInputTokens on repeated long instructions', () => {
  it('counts the same as the uncached tokenizer, on first sight and on repeats', () => {
    const instructions = 'Classify the review by sentiment and topic. '.repeat(20);
    const repeated = [
      { role: 'system', content: instructions },
      { role: 'user', content: 'Great value.', name: 'shopper' },
    ];
    for (let round = 0; round < 3; round++) {
      expect(estimateInputTokens('/v1/chat/completions', { messages: repeated })).toBe(
        countChatPromptTokens(repeated),
      );
      expect(estimateInputTokens('/v1/messages', { messages: repeated.slice(1), system: instructions })).toBe(
        countChatPromptTokens(repeated.slice(1)) + countTextTokens(instructions),
      );
    }
  });

  it('keeps counting correctly past the cache capacity', () => {
    for (let index = 0; index < 600; index++) {
      const text = `Document ${index}: ${'lorem ipsum dolor sit amet '.repeat(12)}`;
      expect(estimateInputTokens('/v1/embeddings', { input: text })).toBe(countTextTokens(text));
    }
  });
});

describe('inputTokensUpperBound', () => {
  it('is never below the exact count, for every endpoint and for text beyond ASCII', () => {
    const cases: Array<[Parameters<typeof estimateInputTokens>[0], Record<string, unknown>]> = [
      [
        '/v1/chat/completions',
        { messages: [...messages, { role: 'user', content: '請幫我分類 🙂', name: 'x' }] },
      ],
      ['/v1/messages', { messages, system: 'Réponds en français.' }],
      ['/v1/responses', { instructions: 'Be brief', input: [{ content: 'héllo' }, 'again'] }],
      ['/v1/embeddings', { input: ['a', 'b', [1, 2, 3]] }],
      ['/v1/completions', { prompt: '1234567890 12345 999999' }],
      ['/v1/moderations', { input: [{ type: 'text', text: 'check this' }] }],
    ];
    for (const [endpoint, body] of cases) {
      expect(inputTokensUpperBound(endpoint, body)).toBeGreaterThanOrEqual(
        estimateInputTokens(endpoint, body),
      );
    }
  });
});
