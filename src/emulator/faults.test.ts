import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from './index.js';

const openAIHeaders = { authorization: 'Bearer sk-test' };
const anthropicHeaders = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function listening(options: EmulatorOptions): Promise<{ emulator: Emulator; url: string }> {
  emulator = createEmulator(options);
  const url = await emulator.listen(0);
  return { emulator, url };
}

/** Sends `count` requests one after another and tallies the answers by status ('drop' for a closed connection). */
async function tally(url: string, count: number, headers: Record<string, string> = openAIHeaders) {
  const statuses: Record<string, number> = {};
  for (let index = 0; index < count; index++) {
    let key: string;
    try {
      const response = await fetch(`${url}/v1/models`, { headers });
      await response.arrayBuffer();
      key = String(response.status);
    } catch {
      key = 'drop';
    }
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return statuses;
}

describe('HTTP faults', () => {
  it('answers 429, 500 and 503 at the configured rates, in OpenAI error shape with retry headers', async () => {
    const { url } = await listening({
      faults: { routes: { 'GET /v1/models': { status429: 0.2, status500: 0.1, status503: 0.1 } } },
    });
    const statuses = await tally(url, 1000);
    // 1,000 draws: a binomial with p = 0.2 stays within ±0.05 far beyond 4 standard deviations.
    expect((statuses['429'] ?? 0) / 1000).toBeGreaterThan(0.15);
    expect((statuses['429'] ?? 0) / 1000).toBeLessThan(0.25);
    expect((statuses['500'] ?? 0) / 1000).toBeGreaterThan(0.06);
    expect((statuses['500'] ?? 0) / 1000).toBeLessThan(0.14);
    expect((statuses['503'] ?? 0) / 1000).toBeGreaterThan(0.06);
    expect((statuses['503'] ?? 0) / 1000).toBeLessThan(0.14);
    expect(statuses['200']).toBe(
      1000 - (statuses['429'] ?? 0) - (statuses['500'] ?? 0) - (statuses['503'] ?? 0),
    );
    expect(emulator!.record.faultCounts()['GET /v1/models']).toEqual({
      status429: statuses['429'],
      status500: statuses['500'],
      status503: statuses['503'],
    });

    // Find one of each and check its shape.
    const seen = new Map<number, Response>();
    while (seen.size < 3) {
      const response = await fetch(`${url}/v1/models`, { headers: openAIHeaders });
      if (response.status !== 200 && !seen.has(response.status)) seen.set(response.status, response);
      else await response.arrayBuffer();
    }
    const limited = seen.get(429)!;
    expect(limited.headers.get('retry-after-ms')).toBe('500');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await limited.json()).toEqual({
      error: expect.objectContaining({ type: 'requests', code: 'rate_limit_exceeded', param: null }),
    });
    expect(seen.get(503)!.headers.get('retry-after-ms')).toBe('500');
    expect(await seen.get(503)!.json()).toEqual({ error: expect.objectContaining({ type: 'server_error' }) });
    expect(seen.get(500)!.headers.get('retry-after')).toBeNull();
    expect(await seen.get(500)!.json()).toEqual({ error: expect.objectContaining({ type: 'server_error' }) });
  });

  it('uses Anthropic error shapes for Anthropic clients', async () => {
    const { url } = await listening({ faults: { routes: { '*': { status429: 1 } } } });
    const response = await fetch(`${url}/v1/models`, { headers: anthropicHeaders });
    expect(response.status).toBe(429);
    expect(response.headers.get('request-id')).toMatch(/^req_011/);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.any(String) },
      request_id: expect.stringMatching(/^req_011/),
    });
  });

  it('is reproducible: the same seed gives the same sequence of faults', async () => {
    const options = { seed: 7, faults: { routes: { '*': { status500: 0.3, status429: 0.1 } } } };
    const first = await listening(options);
    const sequence = async (url: string) => {
      const statuses: number[] = [];
      for (let index = 0; index < 50; index++) {
        const response = await fetch(`${url}/v1/models`, { headers: openAIHeaders });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      return statuses;
    };
    const once = await sequence(first.url);
    await first.emulator.close();
    const second = await listening(options);
    expect(await sequence(second.url)).toEqual(once);
    await second.emulator.close();
    const other = await listening({ ...options, seed: 8 });
    expect(await sequence(other.url)).not.toEqual(once);
  });

  it('drops connections at the configured rate; the SDK sees a connection error', async () => {
    const { url } = await listening({ faults: { routes: { 'GET /v1/models': { drop: 0.25 } } } });
    const statuses = await tally(url, 400);
    expect((statuses['drop'] ?? 0) / 400).toBeGreaterThan(0.17);
    expect((statuses['drop'] ?? 0) / 400).toBeLessThan(0.33);
    expect(statuses['drop']).toBe(emulator!.record.faultCounts()['GET /v1/models']?.drop);

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    let connectionErrors = 0;
    for (let index = 0; index < 40; index++) {
      await client.models.list().catch((error: unknown) => {
        if (error instanceof OpenAI.APIConnectionError) connectionErrors++;
        else throw error;
      });
    }
    expect(connectionErrors).toBeGreaterThan(0);
  });

  it('drops connections in process too: emulator.fetch rejects like a reset socket', async () => {
    emulator = createEmulator({ faults: { routes: { '*': { drop: 1 } } } });
    await expect(emulator.fetch('http://emulator/v1/models', { headers: openAIHeaders })).rejects.toThrow(
      'fetch failed',
    );
  });

  it('slows answers at the configured rate by the configured delay', async () => {
    const { url } = await listening({ faults: { routes: { '*': { slow: 0.5, slowMs: 150 } } } });
    const durations: number[] = [];
    for (let index = 0; index < 40; index++) {
      const started = performance.now();
      const response = await fetch(`${url}/v1/models`, { headers: openAIHeaders });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      durations.push(performance.now() - started);
    }
    const slowCount = emulator!.record.faultCounts()['GET /v1/models']?.slow ?? 0;
    expect(slowCount).toBeGreaterThan(10);
    expect(slowCount).toBeLessThan(30);
    // Every delayed answer waited at least the configured delay (a lower bound, not a timing target).
    expect(durations.filter((duration) => duration >= 145).length).toBeGreaterThanOrEqual(slowCount);
  });
});

describe('authentication', () => {
  it('answers 401 without a key, and with a key not in apiKeys, in each provider shape', async () => {
    const { url } = await listening({ apiKeys: ['sk-good'] });
    const missing = await fetch(`${url}/v1/models`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await missing.json()).toEqual({
      error: expect.objectContaining({ type: 'invalid_request_error' }),
    });

    const wrong = await fetch(`${url}/v1/models`, {
      headers: { authorization: 'Bearer sk-wrong-key-123456' },
    });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_api_key');
    expect(body.error.message).not.toContain('sk-wrong-key-123456');

    const anthropic = await fetch(`${url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const good = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-good' } });
    expect(good.status).toBe(200);
  });
});

describe('models', () => {
  it('lists models in the shape each SDK expects', async () => {
    const { url } = await listening({});
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect((await client.models.retrieve('gpt-4o-mini')).object).toBe('model');
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    const anthropic = await fetch(`${url}/v1/models`, { headers: anthropicHeaders });
    const page = (await anthropic.json()) as { data: Array<{ type: string; id: string }>; has_more: boolean };
    expect(page.has_more).toBe(false);
    expect(page.data.every((model) => model.type === 'model' && model.id.startsWith('claude-'))).toBe(true);
  });
});
