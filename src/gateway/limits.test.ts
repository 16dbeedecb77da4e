import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHarness, startHarness } from './test-harness.js';

describe('bad input', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startHarness({ gateway: { maxBodyBytes: 1024 } });
  });
  afterAll(async () => {
    await harness.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${harness.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('refuses a body over the size limit with 413', async () => {
    const response = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o-mini', pad: 'x'.repeat(4096) }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { code: 'request_too_large', type: 'invalid_request_error' },
    });
  });

  it('names the missing field in a 400', async () => {
    const response = await post('/v1/chat/completions', JSON.stringify({ messages: [] }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { param: string; message: string; code: string } };
    expect(body.error.param).toBe('model');
    expect(body.error.message).toMatch(/^model:/);
  });

  it('names a field of the wrong type', async () => {
    const response = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o-mini', stream: 'yes' }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { param: 'stream', type: 'invalid_request_error' },
    });
  });

  it('says when the body is not JSON', async () => {
    const response = await post('/v1/embeddings', '{"model":');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_json', param: null } });
  });

  it("answers Anthropic clients in Anthropic's error shape", async () => {
    const response = await post('/v1/messages', JSON.stringify({ max_tokens: 5 }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^model:/);
  });

  it('names a bad x-spendwall-metadata header', async () => {
    const response = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
      {
        'x-spendwall-metadata': '{"n": 1}',
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: 'x-spendwall-metadata' } });
  });

  it("passes the provider's own validation errors through unchanged", async () => {
    const response = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o-mini', messages: 'nope' }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('x-spendwall-lane')).toBe('realtime');
    expect(await response.json()).toMatchObject({ error: { param: 'messages' } });
  });
});
