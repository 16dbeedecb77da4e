// Spendwall's gateway for the benchmark, compiled from dist/, in its own process: a fresh SQLite
// store, the ledger and metrics on, request logs off unless LOGS=1 (then to stderr).
// Usage: node gateway-spendwall.mjs PORT UPSTREAM_URL; prints "ready PORT".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// SPENDWALL_DIST points at another build (an absolute path), to compare builds side by side.
const dist = process.env.SPENDWALL_DIST ?? new URL('../../dist', import.meta.url).pathname;
const { createGateway } = await import(`${dist}/gateway/server.js`);
const { migrate } = await import(`${dist}/store/migrate.js`);
const { SqliteDriver } = await import(`${dist}/store/sqlite/driver.js`);

const [portText = '0', upstream] = process.argv.slice(2);
const folder = mkdtempSync(join(tmpdir(), 'spendwall-bench-gateway-'));
const driver = new SqliteDriver(join(folder, 'spendwall.db'));
await migrate(driver);
const gateway = await createGateway({
  driver,
  upstreams: {
    openai: { baseURL: `${upstream}/v1`, apiKey: 'sk-bench' },
    anthropic: { baseURL: upstream, apiKey: 'sk-bench' },
  },
  ...(process.env.LOGS === '1' ? {} : { log: null }),
});
const url = await gateway.listen(Number(portText));
console.log(`ready ${new URL(url).port}`);
process.on('SIGTERM', async () => {
  await gateway.close();
  const rows = await driver.get('SELECT COUNT(*) AS n FROM ledger');
  console.log(`ledger ${rows.n}`);
  await driver.close();
  rmSync(folder, { recursive: true, force: true });
  process.exit(0);
});
