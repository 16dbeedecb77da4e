import type { LookupAddress, LookupOptions } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  guardedWebhookClient,
  publicOnlyLookup,
  targetRefusal,
  WebhookTargetError,
} from './webhook-fetch.js';

/** A resolver that knows a few names and answers in whichever shape it is asked for. */
function fakeLookup(names: Record<string, LookupAddress[]>): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = names[hostname];
    if (!addresses) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    } else if (options.all) {
      callback(null, addresses);
    } else {
      callback(null, addresses[0]!.address, addresses[0]!.family);
    }
  };
}

const names = {
  'public.test': [{ address: '8.8.8.8', family: 4 }],
  'rebound.test': [{ address: '127.0.0.1', family: 4 }],
  'mixed.test': [
    { address: '2606:4700::1111', family: 6 },
    { address: '10.0.0.7', family: 4 },
  ],
  'metadata.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
};

function resolve(lookup: LookupFunction, hostname: string, options: LookupOptions) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
    lookup(hostname, options, (error, address, family) => done({ error, address, family })),
  );
}

describe('publicOnlyLookup', () => {
  const lookup = publicOnlyLookup(fakeLookup(names));

  it('passes public answers through unchanged, in both callback shapes', async () => {
    expect(await resolve(lookup, 'public.test', { all: true })).toEqual({
      error: null,
      address: [{ address: '8.8.8.8', family: 4 }],
      family: undefined,
    });
    expect(await resolve(lookup, 'public.test', {})).toEqual({ error: null, address: '8.8.8.8', family: 4 });
  });

  it('fails a name that resolves to a non-public address, in both callback shapes', async () => {
    for (const options of [{ all: true }, {}]) {
      const { error } = await resolve(lookup, 'rebound.test', options);
      expect(error).toBeInstanceOf(WebhookTargetError);
      expect(error).toMatchObject({
        code: 'webhook_target_not_allowed',
        place: 'rebound.test',
        reason: 'it resolves to 127.0.0.1, which is not a public address',
      });
    }
    const metadata = await resolve(lookup, 'metadata.test', {});
    expect((metadata.error as WebhookTargetError).reason).toContain('::ffff:169.254.169.254');
  });

  it('fails a name when any of its addresses is not public (the socket may use any of them)', async () => {
    const { error } = await resolve(lookup, 'mixed.test', { all: true });
    expect((error as WebhookTargetError).reason).toBe(
      'it resolves to 10.0.0.7, which is not a public address',
    );
  });

  it('passes resolver errors through as they are', async () => {
    const { error } = await resolve(lookup, 'nowhere.test', { all: true });
    expect(error).not.toBeInstanceOf(WebhookTargetError);
    expect(error?.code).toBe('ENOTFOUND');
  });

  it('checks what the system resolver says too: localhost is refused', async () => {
    const { error } = await resolve(publicOnlyLookup((await import('node:dns')).lookup), 'localhost', {
      all: true,
    });
    expect(error).toBeInstanceOf(WebhookTargetError);
  });
});

describe('guardedWebhookClient', () => {
  let receiver: Server;
  let port: number;
  let received = 0;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received += 1;
      request.resume();
      response.end();
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    port = (receiver.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((done) => receiver.close(done));
  });

  it('does not connect to an IP literal that is not public (the socket would not look it up)', async () => {
    const client = guardedWebhookClient(fakeLookup(names));
    try {
      const error = await client.fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST' }).catch((e) => e);
      expect(targetRefusal(error)).toMatchObject({
        place: '127.0.0.1',
        reason: 'it is not a public address',
      });
    } finally {
      await client.close();
    }
    expect(received).toBe(0);
  });

  it('does not connect to a name that resolves to a non-public address at connect time', async () => {
    const client = guardedWebhookClient(fakeLookup(names));
    try {
      const error = await client
        .fetch(`http://rebound.test:${port}/hook`, { method: 'POST' })
        .catch((e) => e);
      expect(targetRefusal(error)).toMatchObject({ place: 'rebound.test' });
    } finally {
      await client.close();
    }
    expect(received).toBe(0);
  });

  it('leaves other failures alone: targetRefusal finds nothing in them', async () => {
    expect(
      targetRefusal(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') })),
    ).toBeUndefined();
    expect(targetRefusal('not an error')).toBeUndefined();
  });
});
