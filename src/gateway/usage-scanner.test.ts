import { describe, expect, it } from 'vitest';
import { usageFromBody } from './body-usage.js';
import { createUsageScanner } from './usage-scanner.js';

function feed(kind: Parameters<typeof createUsageScanner>[0], text: string, pieceSize: number) {
  const scanner = createUsageScanner(kind);
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += pieceSize)
    scanner.push(bytes.subarray(start, start + pieceSize));
  return scanner.usage();
}

const openaiStream = [
  'data: {"id":"c","choices":[{"delta":{"content":"the \\"usage\\": {1}"}}],"usage":null}',
  '',
  'data: {"id":"c","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":2}}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const anthropicStream = [
  'event: message_start',
  'data: {"type":"message_start","message":{"usage":{"input_tokens":25,"output_tokens":1,"cache_read_input_tokens":5,"cache_creation_input_tokens":0}}}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}',
  '',
].join('\n');

describe('usage in streamed answers', () => {
  it.each([1, 3, 17, 4096])('finds the OpenAI usage chunk whatever the chunking (%i-byte pieces)', (size) => {
    expect(feed('openai-chat', openaiStream, size)).toEqual({
      inputTokens: 12,
      cachedInputTokens: 2,
      outputTokens: 34,
    });
  });

  it.each([1, 7, 4096])('merges Anthropic message_start and message_delta usage (%i-byte pieces)', (size) => {
    expect(feed('anthropic', anthropicStream, size)).toMatchObject({
      inputTokens: 30,
      cachedInputTokens: 5,
      outputTokens: 15,
    });
  });

  it('reads response.completed for the Responses API', () => {
    const text =
      'event: response.created\ndata: {"type":"response.created","response":{"usage":null}}\n\n' +
      'event: response.completed\ndata: {"type":"response.completed","response":{"usage":{"input_tokens":3,"output_tokens":4}}}\n\n';
    expect(feed('openai-responses', text, 5)).toMatchObject({ inputTokens: 3, outputTokens: 4 });
  });

  it('gives undefined when no usage came', () => {
    expect(feed('openai-chat', 'data: {"choices":[]}\n\ndata: [DONE]\n\n', 10)).toBeUndefined();
  });
});

describe('usage in whole answers', () => {
  it('cuts the usage object out of a large body', () => {
    const body = Buffer.from(
      JSON.stringify({
        data: [{ embedding: Array.from({ length: 500 }, () => 0.5) }],
        usage: { prompt_tokens: 8, total_tokens: 8 },
      }),
    );
    expect(usageFromBody(body, 'openai')).toEqual({ inputTokens: 8, cachedInputTokens: 0, outputTokens: 0 });
  });

  it('reads Anthropic usage with cache counts', () => {
    const body = Buffer.from(
      JSON.stringify({
        type: 'message',
        usage: {
          input_tokens: 10,
          output_tokens: 2,
          cache_read_input_tokens: 4,
          cache_creation_input_tokens: 1,
        },
      }),
    );
    expect(usageFromBody(body, 'anthropic')).toMatchObject({
      inputTokens: 15,
      cachedInputTokens: 4,
      outputTokens: 2,
    });
  });
});
