import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, readAll } from './test-support.js';

describe('openai-usage import', () => {
  it('reads completions buckets as aggregates, with the lane from batch and service_tier', async () => {
    const { records } = await readAll('openai-usage', join(fixtures, 'openai-usage-completions.json'));
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({
      startedAt: 1793577600_000,
      durationMs: 86_400_000,
      requests: 2210,
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      lane: 'realtime',
      inputTokens: 1843000,
      cachedInputTokens: 802000,
      outputTokens: 412000,
      project: 'proj_support',
      apiKey: 'key_abc123',
      serviceTier: 'default',
      origin: {
        format: 'openai-usage',
        path: join(fixtures, 'openai-usage-completions.json'),
        position: 'data[0].results[0]',
      },
    });
    expect(records.map((record) => [record.model, record.lane, record.requests])).toEqual([
      ['gpt-4o-mini-2024-07-18', 'realtime', 2210],
      ['gpt-4o-mini-2024-07-18', 'batch', 12000],
      ['o4-mini', 'flex', 800],
    ]);
  });

  it('reports results it cannot use by JSON path, naming the field', async () => {
    const { messages } = await readAll('openai-usage', join(fixtures, 'openai-usage-completions.json'));
    expect(messages).toEqual([
      'data[0].results[3]: model: expected a model id (export the usage with group_by=model), got null',
      "data[0].results[4]: input_tokens: expected a whole number ≥ 0, got 'lots'",
    ]);
  });

  it('reads JSON Lines of pages, embeddings included, and reports broken lines and buckets', async () => {
    const { records, messages } = await readAll('openai-usage', join(fixtures, 'openai-usage-pages.jsonl'));
    expect(records).toEqual([
      expect.objectContaining({
        model: 'text-embedding-3-small',
        lane: 'batch',
        endpoint: '/v1/embeddings',
        inputTokens: 4_000_000,
        outputTokens: 0,
        requests: 400,
        durationMs: 3_600_000,
        origin: expect.objectContaining({ position: 'line 1, data[0].results[0]' }),
      }),
    ]);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^line 2: not JSON/);
    expect(messages[1]).toBe(
      'line 3, data[0].results[0]: end_time (1793581200) is before start_time (1793584800)',
    );
    expect(messages[2]).toMatch(
      /^line 3, data\[1\]\.results\[0\]: object: expected one of organization\.usage\.completions\.result, .*got 'organization\.usage\.images\.result'$/,
    );
  });
});
