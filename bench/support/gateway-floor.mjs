// The floor any Node proxy stands on, measured in the same run as Spendwall: raw node:http in,
// one undici Pool out, the body passed through untouched; no auth, routing, usage, ledger or
// metrics. Spendwall's CPU per request is judged against this (and against the bare upstream).
// Usage: node gateway-floor.mjs PORT UPSTREAM_URL; prints "ready PORT".
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [portText = '0', upstream] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 256, pipelining: 1 });
const server = createServer((request, response) => {
  const parts = [];
  request.on('data', (part) => parts.push(part));
  request.on('end', async () => {
    try {
      const answer = await pool.request({
        method: 'POST',
        path: request.url,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
        body: Buffer.concat(parts),
      });
      response.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] });
      answer.body.pipe(response);
    } catch {
      response.writeHead(502).end();
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portText), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
