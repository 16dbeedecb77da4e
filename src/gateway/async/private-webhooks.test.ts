import { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AsyncLaneOptions } from './lane.js';
import {
  chatBody,
  createLaneHarness,
  type LaneHarness,
  submission,
  testSecret,
  until,
} from './test-support.js';

/**
 * `gateway.allowPrivateWebhooks` off (the default): a webhook URL must not make the gateway call
 * loopback, the private network or cloud metadata, neither when it is accepted nor when it is
 * delivered (the name may resolve elsewhere by then). The receiver listens on 127.0.0.1, so
 * anything it receives is a target that should have been refused.
 */

let harness: LaneHarness | undefined;
let receiver: Server;
let port: number;
let received: number;
let reported: Error[];

beforeEach(async () => {
  received = 0;
  reported = [];
  receiver = createServer((request, response) => {
    received += 1;
    request.resume();
    response.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});

afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  await new Promise((resolve) => receiver.close(resolve));
});

/** `rebound.test` resolves to 127.0.0.1, as a name an attacker controls can at delivery time. */
const reboundLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname !== 'rebound.test') return dnsLookup(hostname, options, callback);
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

const laneOptions = (allowPrivateAddresses: boolean): Partial<AsyncLaneOptions> => ({
  webhooks: {
    secret: testSecret,
    checkIntervalMs: 20,
    retryDelaysMs: [20, 40],
    allowPrivateAddresses,
    lookup: reboundLookup,
  },
  onError: (error) => reported.push(error as Error),
});

async function webhookRow(id: string) {
  return harness!.engine.store.driver.get<{
    webhook_state: string;
    webhook_attempts: number;
    webhook_last_status: number | null;
  }>('SELECT webhook_state, webhook_attempts, webhook_last_status FROM async_requests WHERE id = ?', [id]);
}

async function runUntilGivenUp(id: string): Promise<void> {
  await harness!.lane.flush(true);
  await harness!.lane.settled();
  await until(async () => (await webhookRow(id))?.webhook_state === 'failed');
}

describe('async lane: webhooks to non-public addresses', () => {
  it('refuses IP literals that are not public and localhost at accept, with 400 and the setting to change', async () => {
    harness = await createLaneHarness(laneOptions(false));
    for (const url of [
      'http://127.0.0.1/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest',
      'http://localhost:8080/x',
      'http://[::ffff:10.0.0.1]/x',
      'http://2130706433/x',
    ]) {
      await expect(
        harness.lane.accept(submission('team-a', chatBody(1), { webhookUrl: url })),
      ).rejects.toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'webhook_target_not_allowed',
        param: 'x-spendwall-webhook-url',
        message: expect.stringContaining('gateway.allowPrivateWebhooks: true in spendwall.yaml'),
      });
    }
    const accepted = await harness.lane.accept(
      submission('team-a', chatBody(1), { webhookUrl: 'https://hooks.example.com/x' }),
    );
    expect(accepted.id).toMatch(/^areq_/);
  });

  it('does not deliver to a name that resolves to 127.0.0.1 at delivery: each try fails and is reported once', async () => {
    harness = await createLaneHarness(laneOptions(false));
    const { id } = await harness.lane.accept(
      submission('team-a', chatBody(1), {
        webhookUrl: `http://rebound.test:${port}/hooks?token=receiver-secret`,
      }),
    );
    await runUntilGivenUp(id);

    expect(received).toBe(0);
    expect(await webhookRow(id)).toEqual({
      webhook_state: 'failed',
      webhook_attempts: 3,
      webhook_last_status: null,
    });
    expect(reported.map((error) => error.message)).toEqual(
      Array.from(
        { length: 3 },
        () =>
          `webhook for ${id} not delivered to rebound.test:${port}: it resolves to 127.0.0.1, which is not a public ` +
          'address; set gateway.allowPrivateWebhooks: true in spendwall.yaml to allow it',
      ),
    );
  });

  it('does not deliver to an IP literal accepted while the setting was on, once it is turned off', async () => {
    harness = await createLaneHarness(laneOptions(true));
    const { id } = await harness.lane.accept(
      submission('team-a', chatBody(1), { webhookUrl: `http://127.0.0.1:${port}/hooks` }),
    );
    await harness.lane.close();
    await harness.restart(laneOptions(false));
    await runUntilGivenUp(id);

    expect(received).toBe(0);
    expect(await webhookRow(id)).toMatchObject({ webhook_attempts: 3, webhook_last_status: null });
    expect(reported).toHaveLength(3);
    expect(reported[0]!.message).toContain(`not delivered to 127.0.0.1:${port}: it is not a public address`);
  });

  it('delivers to 127.0.0.1 when private targets are allowed', async () => {
    harness = await createLaneHarness(laneOptions(true));
    const { id } = await harness.lane.accept(
      submission('team-a', chatBody(1), { webhookUrl: `http://127.0.0.1:${port}/hooks` }),
    );
    await harness.lane.flush(true);
    await harness.lane.settled();
    await until(async () => (await webhookRow(id))?.webhook_state === 'delivered');
    expect(received).toBe(1);
    expect(reported).toEqual([]);
  });
});
