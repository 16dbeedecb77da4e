import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate.js';
import { SqliteDriver } from '../store/sqlite/driver.js';
import { createGateway, type Gateway } from './server.js';

let upstream: Server | undefined;
let gateway: Gateway | undefined;
let driver: SqliteDriver | undefined;
let folder: string | undefined;
afterEach(async () => {
  await gateway?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve) ?? resolve(undefined));
  await driver?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  upstream = gateway = driver = folder = undefined;
});

/** A provider that streams two chunks of a chat completion and then drops the connection. */
async function brokenStreamUpstream(): Promise<string> {
  upstream = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content } }], usage: null })}\n\n`;
    response.write(chunk('bill'));
    setTimeout(() => {
      response.write(chunk('ing'));
      setTimeout(() => response.socket?.destroy(), 20);
    }, 20);
  });
  await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
}

describe('a provider stream that breaks off part way', () => {
  it('cuts the client off after the chunks that came, and still books the request in the ledger', async () => {
    folder = mkdtempSync(join(tmpdir(), 'spendwall-stream-failure-'));
    driver = new SqliteDriver(join(folder, 'spendwall.db'));
    await migrate(driver);
    const lines: string[] = [];
    gateway = await createGateway({
      driver,
      upstreams: { openai: { baseURL: `${await brokenStreamUpstream()}/v1`, apiKey: 'sk-test' } },
      log: (line) => lines.push(line),
    });
    const url = await gateway.listen(0);

    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spendwall-workload': 'support-chat' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    let received = '';
    const decoder = new TextDecoder();
    await expect(
      (async () => {
        for await (const part of response.body!) received += decoder.decode(part, { stream: true });
      })(),
    ).rejects.toThrow();
    expect(received).toContain('"content":"bill"');
    expect(received).toContain('"content":"ing"');

    await gateway.close();
    const rows = await driver.all<Record<string, unknown>>('SELECT workload, lane, model FROM ledger');
    expect(rows).toEqual([{ workload: 'support-chat', lane: 'realtime', model: 'gpt-4o-mini' }]);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((line) => line['path'] === '/v1/chat/completions')).toMatchObject({
      status: 502,
      error: expect.stringContaining("the provider's stream broke off"),
    });
  });
});
