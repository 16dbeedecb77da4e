import type { IncomingMessage, ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createKey, listKeys, revokeKey } from './key-store.js';
import { type GatewayHarness, startHarness, testRoute } from './test-harness.js';
import type { AsyncLane, AsyncSubmission } from './types.js';

/** An async lane that keeps submissions in memory and serves their polling route per team. */
function fakeAsyncLane() {
  const accepted = new Map<string, AsyncSubmission>();
  let closed = false;
  const lane: AsyncLane = {
    async accept(submission) {
      const id = `areq_${accepted.size + 1}`;
      accepted.set(id, submission);
      return { id };
    },
    async handle(request: IncomingMessage, response: ServerResponse, context) {
      const match = /^\/v1\/spendwall\/requests\/([a-z0-9_]+)$/.exec(request.url ?? '');
      if (!match || request.method !== 'GET') return false;
      const submission = accepted.get(match[1]!);
      const visible =
        submission && (context.caller.admin || submission.context.caller.team === context.caller.team);
      const body = visible
        ? { id: match[1], status: 'queued' }
        : { error: { message: 'not found', type: 'invalid_request_error', param: null, code: 'not_found' } };
      response.writeHead(visible ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      return true;
    },
    async close() {
      closed = true;
    },
  };
  return { lane, accepted, closed: () => closed };
}

describe('access', () => {
  let harness: GatewayHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('is open (everyone is admin) while no key exists and no admin key is set', async () => {
    harness = await startHarness();
    expect(harness.gateway.access.open).toBe(true);
    await expect(harness.openai('anything').models.list()).resolves.toBeDefined();
  });

  it("answers 401 to a missing or unknown key, in each SDK's error shape", async () => {
    harness = await startHarness();
    await createKey(harness.driver, 'team-a');
    await harness.gateway.access.refresh();
    const missing = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { code: 'invalid_api_key', type: 'invalid_request_error' },
    });
    const bad = await harness
      .openai('sw-not-a-key')
      .models.list()
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
    const anthropic = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sw-nope' },
      body: '{}',
    });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('accepts a team key as Bearer (OpenAI SDK) or x-api-key (Anthropic SDK), and never after revocation', async () => {
    harness = await startHarness();
    const { key, record } = await createKey(harness.driver, 'team-a');
    expect(key).toMatch(/^sw-[A-Za-z0-9]{40}$/);
    const stored = await harness.driver.all<{ key_hash: string }>('SELECT key_hash FROM gateway_keys');
    expect(JSON.stringify(stored)).not.toContain(key);
    await harness.gateway.access.refresh();
    await harness
      .openai(key)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await harness.anthropic(key).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const rows = await harness.ledgerRows();
    expect(rows.map((row) => row['team'])).toEqual(['team-a', 'team-a']);
    expect(await revokeKey(harness.driver, record.id)).toBe(true);
    await harness.gateway.access.refresh();
    await expect(harness.openai(key).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await listKeys(harness.driver))[0]?.revokedAt).not.toBeNull();
  });

  it('hands Prefer: respond-async batch work to the async lane (202) and lets a team see only its own', async () => {
    const fake = fakeAsyncLane();
    harness = await startHarness({
      gateway: { route: testRoute('batch'), asyncLane: fake.lane, adminKey: 'admin-secret' },
    });
    const a = (await createKey(harness.driver, 'team-a')).key;
    const b = (await createKey(harness.driver, 'team-b')).key;
    await harness.gateway.access.refresh();

    const accepted = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${a}`,
        'content-type': 'application/json',
        prefer: 'respond-async',
        'x-spendwall-workload': 'defer-nightly',
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'later' }] }),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('preference-applied')).toBe('respond-async');
    expect(accepted.headers.get('retry-after')).toBe('30');
    expect(accepted.headers.get('x-spendwall-lane')).toBe('batch');
    const location = accepted.headers.get('location')!;
    expect(location).toBe('/v1/spendwall/requests/areq_1');
    const submission = fake.accepted.get('areq_1')!;
    expect(submission.context.caller).toMatchObject({ team: 'team-a', admin: false });
    expect(submission.decision.workload).toBe('defer-nightly');
    expect(submission.endpoint).toBe('/v1/chat/completions');

    const poll = (key: string) =>
      fetch(`${harness!.url}${location}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await poll(a)).status).toBe(200);
    expect((await poll(b)).status).toBe(404);
    expect((await poll('admin-secret')).status).toBe(200);
    // A path neither the server nor the async lane knows is a 404 in OpenAI's shape.
    const unknown = await fetch(`${harness.url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${a}` },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_url' } });

    await harness.close();
    expect(fake.closed()).toBe(true);
  });

  it('serves a Prefer: respond-async request synchronously when its workload is interactive', async () => {
    const fake = fakeAsyncLane();
    harness = await startHarness({ gateway: { route: testRoute('batch'), asyncLane: fake.lane } });
    const { response } = await harness
      .openai()
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'now' }] },
        { headers: { prefer: 'respond-async' } },
      )
      .withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('preference-applied')).toBeNull();
    expect(fake.accepted.size).toBe(0);
  });
});
