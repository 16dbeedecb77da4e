import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayHarness, startHarness, testRoute } from './test-harness.js';

const chat = { model: 'gpt-5-mini', messages: [{ role: 'user' as const, content: 'classify this' }] };
const deferrable = (workload: string) => ({ headers: { 'x-spendwall-workload': workload } });

describe('lanes', () => {
  let harness: GatewayHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('runs deferrable work with a short deadline in flex, and records the flex price', async () => {
    harness = await startHarness({ gateway: { route: testRoute('flex') } });
    const { data, response } = await harness
      .openai()
      .chat.completions.create(chat, deferrable('defer-triage'))
      .withResponse();
    expect(data.service_tier).toBe('flex');
    expect(response.headers.get('x-spendwall-lane')).toBe('flex');
    const [row] = await harness.ledgerRows();
    expect(row).toMatchObject({ lane: 'flex', urgency: 'deferrable', deadline_fallback: 0 });
    expect(Number(row!['cost_nanousd'])).toBe(Number(row!['flex_cost_nanousd']));
    expect(Number(row!['cost_nanousd'])).toBeLessThan(Number(row!['realtime_cost_nanousd']));
  });

  it('never sends interactive work to flex, whatever the router says', async () => {
    harness = await startHarness({
      gateway: { route: (input) => ({ ...testRoute('flex')(input), urgency: 'interactive', lane: 'flex' }) },
    });
    const { response } = await harness.openai().chat.completions.create(chat).withResponse();
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
  });

  it('falls back to realtime when flex is refused, and records the lane actually used', async () => {
    harness = await startHarness({
      emulator: { faults: { flexRefuse: 1 }, timing: { retryAfterMs: 5 } },
      gateway: { route: testRoute('flex') },
    });
    const { data, response } = await harness
      .openai()
      .chat.completions.create(chat, deferrable('defer-triage'))
      .withResponse();
    expect(data.service_tier).toBe('default');
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    const [row] = await harness.ledgerRows();
    expect(row).toMatchObject({ lane: 'realtime', deadline_fallback: 1 });
    expect(harness.gateway.metrics.render({ ledgerPending: 0, inFlight: {} })).toMatch(
      /spendwall_gateway_flex_fallbacks_total\{reason="refused"\} 2/,
    );
  });

  it('falls back to realtime when flex is slower than its timeout', async () => {
    harness = await startHarness({
      emulator: { timing: { flexLatencyMs: 5_000 } },
      gateway: { route: testRoute('flex'), lanes: { flexTimeoutMs: 50 } },
    });
    const { response } = await harness
      .openai()
      .chat.completions.create(chat, deferrable('defer-triage'))
      .withResponse();
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    const [row] = await harness.ledgerRows();
    expect(row).toMatchObject({ lane: 'realtime', deadline_fallback: 1 });
  });

  it('goes straight to realtime when the deadline leaves no room for flex', async () => {
    harness = await startHarness({
      emulator: { faults: { flexRefuse: 1 } },
      gateway: { route: testRoute('flex', 1_000), lanes: { realtimeReserveMs: 60_000 } },
    });
    const { response } = await harness
      .openai()
      .chat.completions.create(chat, deferrable('defer-urgent'))
      .withResponse();
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    expect(harness.emulator.record.faultCounts()).toEqual({});
  });

  it('retries 429s, waiting what retry-after-ms asks', async () => {
    const waits: number[] = [];
    harness = await startHarness({
      emulator: {
        faults: { routes: { 'POST /v1/chat/completions': { status429: 0.5 } } },
        timing: { retryAfterMs: 7 },
      },
      gateway: {
        lanes: {
          retry: {
            maxRetries: 10,
            initialDelayMs: 1,
            maxDelayMs: 1_000,
            sleep: async (ms) => void waits.push(ms),
          },
        },
      },
    });
    for (let index = 0; index < 10; index++) await harness.openai().chat.completions.create(chat);
    const refused = harness.emulator.record.faultCounts()['POST /v1/chat/completions']?.status429 ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(waits).toHaveLength(refused);
    expect(new Set(waits)).toEqual(new Set([7]));
  });

  it('passes a 429 on when the provider asks for a longer wait than the gateway takes', async () => {
    harness = await startHarness({
      emulator: {
        faults: { routes: { 'POST /v1/chat/completions': { status429: 1 } } },
        timing: { retryAfterMs: 60_000 },
      },
    });
    const error = await harness
      .openai()
      .chat.completions.create(chat)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after-ms')).toBe('60000');
    expect(await harness.ledgerRows()).toEqual([]);
  });

  it('serves a synchronous request of a batch workload realtime and records missed savings', async () => {
    harness = await startHarness({ gateway: { route: testRoute('batch') } });
    const { response } = await harness
      .openai()
      .chat.completions.create({ ...chat, model: 'gpt-4o-mini' }, deferrable('defer-nightly'))
      .withResponse();
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    const [row] = await harness.ledgerRows();
    expect(row).toMatchObject({ lane: 'realtime', urgency: 'deferrable', workload: 'defer-nightly' });
    expect(Number(row!['batch_cost_nanousd'])).toBeLessThan(Number(row!['cost_nanousd']));
    expect(harness.gateway.metrics.render({ ledgerPending: 0, inFlight: {} })).toMatch(
      /spendwall_gateway_missed_savings_usd_total\{workload="defer-nightly"\} [0-9.e-]+/,
    );
  });

  it('refuses it under enforce, explaining Prefer: respond-async', async () => {
    harness = await startHarness({ gateway: { route: testRoute('batch'), enforce: true } });
    const error = await harness
      .openai()
      .chat.completions.create({ ...chat, model: 'gpt-4o-mini' }, deferrable('defer-nightly'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const refusal = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(refusal.code).toBe('respond_async_required');
    expect(refusal.param).toBe('prefer');
    expect(refusal.message).toMatch(/Prefer: respond-async/);
    expect(await harness.ledgerRows()).toEqual([]);
  });

  it('keeps answering interactive requests while deferrable flex load fills its own pool', async () => {
    harness = await startHarness({
      emulator: { timing: { flexLatencyMs: 400 } },
      gateway: { route: testRoute('flex'), limits: { deferrableConnections: 2 } },
    });
    const client = harness.openai();
    const finished: string[] = [];
    const deferred = Array.from({ length: 12 }, (_, index) =>
      client.chat.completions
        .create(chat, deferrable('defer-bulk'))
        .then(() => finished.push(`deferrable-${index}`)),
    );
    // Let the deferrable requests reach the gateway and queue in their pool first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const interactive = Array.from({ length: 5 }, (_, index) =>
      client.chat.completions
        .create({ ...chat, model: 'gpt-4o-mini' })
        .then(() => finished.push(`interactive-${index}`)),
    );
    await Promise.all([...deferred, ...interactive]);
    // Two deferrable connections serve 12 requests in six rounds; every interactive answer comes
    // before the first round ends.
    expect(finished.slice(0, 5).every((name) => name.startsWith('interactive-'))).toBe(true);
    const rows = await harness.ledgerRows();
    expect(rows.filter((row) => row['lane'] === 'flex')).toHaveLength(12);
  });
});
