import { describe, expect, it } from 'vitest';
import { countAsyncRequests } from './request-records.js';
import { chatBody, createLaneHarness, post, until } from './test-support.js';

describe('async lane at volume', () => {
  it('accepts 5,000 requests from 100 concurrent HTTP clients and completes every one, each exactly once', async () => {
    const harness = await createLaneHarness({
      flush: { maxPending: 1_000, maxAgeMs: 50, checkIntervalMs: 10 },
    });
    try {
      const teams = ['team-a', 'team-b'];
      const send = async (index: number) => {
        const anthropic = index % 2 === 1;
        const body = anthropic
          ? {
              model: 'claude-haiku-4-5-20251001',
              max_tokens: 32,
              messages: [{ role: 'user', content: `Summarize ticket ${index}` }],
            }
          : chatBody(index);
        const response = await post(
          `${harness.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`,
          {
            authorization: `Bearer ${teams[index % 4 < 2 ? 0 : 1]}`,
            prefer: 'respond-async',
            'x-spendwall-workload': 'bulk-enrich',
          },
          JSON.stringify(body),
        );
        expect(response.status).toBe(202);
        return (JSON.parse(response.body) as { id: string }).id;
      };
      // 100 clients, each sending its share one request after another.
      const accepted: string[] = [];
      await Promise.all(
        Array.from({ length: 100 }, async (_, client) => {
          for (let index = client; index < 5_000; index += 100) accepted[index] = await send(index);
        }),
      );
      expect(new Set(accepted).size).toBe(5_000);
      const { driver } = harness.engine.store;
      await until(async () => (await countAsyncRequests(driver)).completed === 5_000, 120_000);
      await harness.lane.settled();
      expect(await countAsyncRequests(driver)).toEqual({
        queued: 0,
        in_progress: 0,
        completed: 5_000,
        failed: 0,
      });
      // Every request went to exactly one provider batch.
      const customIds = harness.engine.emulator.record.batches.flatMap((batch) => batch.customIds);
      expect(customIds).toHaveLength(5_000);
      const sample = await fetch(`${harness.url}/v1/spendwall/requests/${accepted[1]}`, {
        headers: { authorization: 'Bearer team-a' },
      });
      expect(sample.status).toBe(200);
      expect(((await sample.json()) as { type: string }).type).toBe('message');
    } finally {
      await harness.dispose();
    }
  });
});
