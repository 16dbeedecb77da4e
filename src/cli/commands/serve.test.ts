import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, startCli } from '../../../test/helpers/cli.js';
import { testSecret } from '../../gateway/async/test-support.js';

const home = mkdtempSync(join(tmpdir(), 'spendwall-serve-'));
const environment = { SPENDWALL_HOME: home, SPENDWALL_CONFIG: '', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' };
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('spendwall serve and keys', () => {
  it('refuses a non-loopback address while no gateway key exists', async () => {
    const result = await runCli(
      ['serve', '--emulator', '--host', '0.0.0.0', '--port', '0', '--no-async'],
      environment,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--host: refusing to serve on 0\.0\.0\.0 without authentication/);
  });

  it('creates, lists and revokes keys, and serves with them until SIGTERM', async () => {
    const created = await runCli(['keys', 'create', '--team', 'search'], environment);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^sw-[A-Za-z0-9]{40}$/);
    const listed = await runCli(['keys', 'list', '--json'], environment);
    const records = JSON.parse(listed.stdout) as { id: string; team: string; hint: string }[];
    expect(records).toMatchObject([{ team: 'search', hint: `sw-…${key.slice(-4)}` }]);
    expect(listed.stdout).not.toContain(key);

    const server = startCli(['serve', '--emulator', '--port', '0', '--no-async', '--quiet'], environment);
    const url = await listening(server);
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const post = (authorization?: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });
    expect((await post()).status).toBe(401);
    const ok = await post(`Bearer ${key}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-spendwall-lane')).toBe('realtime');
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/spendwall gateway stopped/);

    const revoked = await runCli(['keys', 'revoke', records[0]!.id], environment);
    expect(revoked.stdout).toMatch(/revoked/);
    const again = await runCli(['keys', 'revoke', records[0]!.id], environment);
    expect(again.code).toBe(2);
  });

  it('passes gateway.allowPrivateWebhooks from the policy to the async lane', async () => {
    const privateHome = mkdtempSync(join(tmpdir(), 'spendwall-serve-private-'));
    const policy = join(privateHome, 'spendwall.yaml');
    writeFileSync(
      policy,
      [
        'version: 1',
        'workloads:',
        '  nightly-*: { urgency: deferrable, deadline: 24h }',
        'gateway:',
        '  allowPrivateWebhooks: true',
      ].join('\n'),
    );
    const server = startCli(['serve', '--emulator', '--port', '0', '--quiet', '--config', policy], {
      ...environment,
      SPENDWALL_HOME: privateHome,
      SPENDWALL_WEBHOOK_SECRET: testSecret,
    });
    try {
      const url = await listening(server);
      const accepted = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          prefer: 'respond-async',
          'x-spendwall-workload': 'nightly-classify',
          'x-spendwall-webhook-url': 'http://127.0.0.1:9/hook',
        },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      // Without the setting this is a 400 (webhook_target_not_allowed); see private-webhooks.test.ts.
      expect(accepted.status).toBe(202);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(privateHome, { recursive: true, force: true });
    }
  });
});

/** The gateway's URL, once the process says it is listening. */
function listening(server: CliProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output.stderr);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 50);
    void server.exited.then(() => {
      clearInterval(timer);
      reject(new Error(server.output.stderr));
    });
  });
}
