import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, readAll } from './test-support.js';

const report = join(fixtures, 'anthropic-usage-report.json');

describe('anthropic-usage import', () => {
  it('sums input the OpenAI way and leaves the request count unknown', async () => {
    const { records } = await readAll('anthropic-usage', report);
    expect(records[0]).toEqual({
      startedAt: Date.UTC(2026, 10, 2),
      durationMs: 86_400_000,
      requests: 0,
      requestCountUnknown: true,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      lane: 'realtime',
      endpoint: '/v1/messages',
      inputTokens: 1500 + 200 + 1000 + 500,
      cachedInputTokens: 200,
      cacheCreationInputTokens: 1500,
      cacheCreation1hInputTokens: 1000,
      outputTokens: 500,
      project: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
      apiKey: 'apikey_01Rj2N8SVvo6BePZj99NhmiT',
      serviceTier: 'standard',
      origin: { format: 'anthropic-usage', path: report, position: 'data[0].results[0]' },
    });
    expect(records[1]).toMatchObject({ model: 'claude-haiku-4-5', lane: 'batch', inputTokens: 840000 });
    expect(records).toHaveLength(2);
  });

  it('reports bad results by JSON path and goes on', async () => {
    const { messages } = await readAll('anthropic-usage', report);
    expect(messages).toEqual([
      'data[0].results[2]: output_tokens: expected a whole number ≥ 0, got -4',
      'data[0].results[3]: cache_creation: expected an object of token counts, got 7',
      "data[1].results[0]: starting_at: expected a time (ISO 8601 such as 2026-11-02T14:05:00Z, or epoch seconds or milliseconds), got 'not a date'",
    ]);
  });
});
