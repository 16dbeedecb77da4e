import { describe, expect, it } from 'vitest';
import { GatewayError } from './errors.js';
import { fitsSchema, parseModelRequest, schemaAccepts } from './request-body.js';

const bodies: Record<string, unknown>[] = [
  { model: 'gpt-4o-mini', messages: [] },
  { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } },
  { model: 'gpt-4o-mini', stream: null, metadata: null, service_tier: null, stream_options: null },
  { model: 'gpt-4o-mini', metadata: { workload: 'triage', count: 3 }, service_tier: 'flex' },
  { model: '' },
  { model: 3 },
  {},
  { model: 'm', stream: 'yes' },
  { model: 'm', metadata: ['a'] },
  { model: 'm', metadata: 'a' },
  { model: 'm', service_tier: 1 },
  { model: 'm', stream_options: { include_usage: 'true' } },
  { model: 'm', stream_options: [] },
  { model: 'm', stream_options: { include_usage: null, other: 1 } },
];

describe('model request bodies', () => {
  it('the hand check accepts exactly what the zod schema accepts', () => {
    for (const body of bodies) expect(fitsSchema(body), JSON.stringify(body)).toBe(schemaAccepts(body));
  });

  it('keeps the body as parsed, key order included, when it passes', () => {
    const raw = '{"stream":false,"model":"gpt-4o-mini","extra":{"a":1}}';
    const parsed = parseModelRequest(Buffer.from(raw));
    expect(JSON.stringify(parsed)).toBe(raw);
  });

  it('names the field that is wrong', () => {
    const failure = (() => {
      try {
        parseModelRequest(Buffer.from('{"model":"m","stream":"yes"}'));
      } catch (error) {
        return error as GatewayError;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure?.status).toBe(400);
    expect(failure?.param).toBe('stream');
  });
});
