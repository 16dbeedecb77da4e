import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, readAll } from './test-support.js';

const lines = join(fixtures, 'otlp-traces.jsonl');
const start = Date.UTC(2026, 10, 2, 9, 0, 0);

describe('otlp import', () => {
  it('reads a GenAI client span with its labels from span and resource', async () => {
    const { records } = await readAll('otlp', lines);
    expect(records[0]).toEqual({
      startedAt: start,
      requests: 1,
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      lane: 'realtime',
      endpoint: '/v1/chat/completions',
      workload: 'support-chat',
      team: 'support',
      endUser: 'cust_901',
      session: 'conv_5j66UpCpwteGg4YSxUnt7lPY',
      stream: true,
      latencyMs: 1840,
      serviceTier: 'default',
      service: 'support-api',
      requestId: 'chatcmpl-AcL9',
      inputTokens: 812,
      cachedInputTokens: 512,
      outputTokens: 96,
      origin: { format: 'otlp', path: lines, position: 'line 1, resourceSpans[0].scopeSpans[0].spans[1]' },
    });
  });

  it('skips non-model spans and agent spans, keeps failed calls with zero tokens', async () => {
    const { records } = await readAll('otlp', lines);
    expect(records.map((record) => [record.origin.position, record.model, record.failed ?? false])).toEqual([
      ['line 1, resourceSpans[0].scopeSpans[0].spans[1]', 'gpt-4o-mini-2024-07-18', false],
      ['line 1, resourceSpans[0].scopeSpans[0].spans[3]', 'gpt-4o', true],
      ['line 3, resourceSpans[0].scopeSpans[0].spans[0]', 'claude-haiku-4-5', false],
      ['line 3, resourceSpans[0].scopeSpans[0].spans[1]', 'text-embedding-3-small', false],
    ]);
  });

  it('adds cache reads back to Anthropic input counted without them, and reads flex and resource workloads', async () => {
    const { records } = await readAll('otlp', lines);
    expect(records[2]).toMatchObject({
      provider: 'anthropic',
      endpoint: '/v1/messages',
      inputTokens: 2040,
      cachedInputTokens: 2000,
      workload: 'nightly-ticket-classify',
      service: 'ticket-classifier',
    });
    expect(records[3]).toMatchObject({
      provider: 'openai',
      lane: 'flex',
      outputTokens: 0,
      endpoint: '/v1/embeddings',
    });
  });

  it('reports broken lines and spans with the attribute that was expected', async () => {
    const { messages } = await readAll('otlp', lines);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toBe(
      'line 1, resourceSpans[0].scopeSpans[0].spans[4]: gen_ai.usage.input_tokens: expected a whole number ≥ 0, got nothing',
    );
    expect(messages[1]).toMatch(/^line 2: not JSON/);
    expect(messages[2]).toBe(
      'line 3, resourceSpans[0].scopeSpans[0].spans[2]: gen_ai.provider.name: expected the provider (openai, anthropic…), as the model id does not tell it, got nothing',
    );
    expect(messages[3]).toBe(
      'line 4: resourceSpans: expected an OTLP JSON trace export, an object with a resourceSpans array',
    );
  });

  it('reads one pretty-printed document whole', async () => {
    const { records, messages } = await readAll('otlp', join(fixtures, 'otlp-trace-document.json'));
    expect(records.map((record) => record.origin.position)).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[0]',
      'resourceSpans[0].scopeSpans[0].spans[1]',
    ]);
    expect(messages).toHaveLength(1);
  });
});
