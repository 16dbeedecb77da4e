import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayHarness, startHarness } from './test-harness.js';

describe('operations', () => {
  let harness: GatewayHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('answers /healthz and /readyz without a key', async () => {
    harness = await startHarness({ gateway: { adminKey: 'admin-secret' } });
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ready\n');
  });

  it('exposes Prometheus metrics to the admin key: requests, latency, cost by lane and workload', async () => {
    harness = await startHarness({ gateway: { adminKey: 'admin-secret' } });
    await harness
      .openai('admin-secret')
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-spendwall-workload': 'support-chat' } },
      );
    expect((await fetch(`${harness.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${harness.url}/metrics`, {
      headers: { authorization: 'Bearer admin-secret' },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE spendwall_gateway_requests_total counter');
    expect(text).toMatch(
      /spendwall_gateway_requests_total\{endpoint="\/v1\/chat\/completions",lane="realtime",status="200"\} 1/,
    );
    expect(text).toMatch(
      /spendwall_gateway_request_duration_seconds_bucket\{endpoint="\/v1\/chat\/completions",lane="realtime",le="\+Inf"\} 1/,
    );
    expect(text).toMatch(/spendwall_gateway_cost_usd_total\{lane="realtime",workload="support-chat"\} \d/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });

  it('writes one JSON log line per request with the request id and no key', async () => {
    const lines: string[] = [];
    harness = await startHarness({ gateway: { log: (line) => lines.push(line), adminKey: 'admin-secret' } });
    await harness
      .openai('admin-secret')
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': 'trace-1' } },
      );
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'request',
      request_id: 'trace-1',
      status: 200,
      lane: 'realtime',
      path: '/v1/chat/completions',
    });
    expect(lines[0]).not.toContain('admin-secret');
    expect(lines[0]).not.toContain('sk-emulator');
  });

  it('finishes a stream in flight on shutdown, then flushes the ledger', async () => {
    harness = await startHarness({
      emulator: { timing: { streamChunkDelayMs: 20 } },
      gateway: { ledger: { flushIntervalMs: 60_000 } },
    });
    const stream = await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a long answer please' }],
      stream: true,
    });
    const chunks: string[] = [];
    let closing: Promise<void> | undefined;
    for await (const chunk of stream) {
      chunks.push(chunk.choices[0]?.delta.content ?? '');
      // Shut down after the first chunk: the rest must still arrive.
      closing ??= harness.gateway.close();
    }
    await closing;
    expect(chunks.length).toBeGreaterThan(5);
    const rows = await harness.driver.all('SELECT * FROM ledger');
    expect(rows).toHaveLength(1);
    // New connections are refused once closing has begun.
    await expect(fetch(`${harness.url}/healthz`)).rejects.toThrow();
  });
});
