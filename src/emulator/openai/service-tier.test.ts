import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../index.js';

const apiKey = 'sk-test';
const messages = [{ role: 'user' as const, content: 'Enrich this product record.' }];
const refuseRate = 0.3;
const requests = 200;

let emulator: Emulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = createEmulator({
    seed: 11,
    timing: { flexLatencyMs: 0, retryAfterMs: 750 },
    faults: { flexRefuse: refuseRate },
  });
  const url = await emulator.listen(0);
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await emulator.close();
});

describe('service_tier', () => {
  it('reports default for unset and auto, and echoes flex', async () => {
    const unset = await client.chat.completions.create({ model: 'o4-mini', messages });
    const auto = await client.chat.completions.create({ model: 'o4-mini', messages, service_tier: 'auto' });
    expect(unset.service_tier).toBe('default');
    expect(auto.service_tier).toBe('default');

    const flex = await flexOrRefused(() =>
      client.chat.completions.create({ model: 'o4-mini', messages, service_tier: 'flex' }),
    );
    expect(flex.service_tier).toBe('flex');
    // Same work, same answer, whichever lane ran it.
    expect(flex.choices[0]!.message.content).toBe(unset.choices[0]!.message.content);

    const response = await flexOrRefused(() =>
      client.responses.create({ model: 'gpt-5-mini', input: 'Enrich this.', service_tier: 'flex' }),
    );
    expect(response.service_tier).toBe('flex');
  });

  it('refuses flex with 400 for a model that does not offer it', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages, service_tier: 'flex' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param: 'service_tier' });
    expect(error.error.message).toBe('Unsupported service_tier: flex');
  });

  it('refuses flex for lack of capacity at the configured rate, with 429 resource_unavailable', async () => {
    const before = emulator.record.faultCounts()['POST /v1/chat/completions']?.flexRefuse ?? 0;
    let refused = 0;
    for (let index = 0; index < requests; index++) {
      try {
        await client.chat.completions.create({ model: 'o3', messages, service_tier: 'flex' });
      } catch (error) {
        expect(error).toBeInstanceOf(OpenAI.RateLimitError);
        const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
        expect(rateLimit.code).toBe('resource_unavailable');
        expect(rateLimit.headers.get('retry-after-ms')).toBe('750');
        expect(rateLimit.headers.get('retry-after')).toBe('1');
        refused++;
      }
    }
    // 0.3 of 200 is 60; ±20 is about three standard deviations.
    expect(refused).toBeGreaterThanOrEqual(40);
    expect(refused).toBeLessThanOrEqual(80);
    const after = emulator.record.faultCounts()['POST /v1/chat/completions']?.flexRefuse ?? 0;
    expect(after - before).toBe(refused);
  });

  it('never refuses the default tier', async () => {
    for (let index = 0; index < 20; index++) {
      const completion = await client.chat.completions.create({ model: 'o3', messages });
      expect(completion.service_tier).toBe('default');
    }
  });
});

/** Flex may be refused on any call here (refusals are on); retry until it is served. */
async function flexOrRefused<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof OpenAI.RateLimitError)) throw error;
    }
  }
}
