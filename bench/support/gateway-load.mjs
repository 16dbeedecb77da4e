// The load client of the gateway benchmark, in its own process so that it does not share an
// event loop with what it measures: CONNECTIONS keep-alive connections (an undici Pool), each
// sending the next request as soon as the last answer ended, for SECONDS after a short warm-up.
// Usage: node gateway-load.mjs URL PATH CONNECTIONS SECONDS HEADERS_JSON BODY_JSON
// Prints one JSON line: { requests, errors, seconds, perSecond, p50Ms, p99Ms }.
import { Pool } from 'undici';

const [url, path, connectionsText, secondsText, headersJson, body] = process.argv.slice(2);
const connections = Number(connectionsText);
const headers = { 'content-type': 'application/json', ...JSON.parse(headersJson) };
const pool = new Pool(url, { connections, pipelining: 1 });

async function run(milliseconds, latencies) {
  const end = performance.now() + milliseconds;
  let requests = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        const answer = await pool.request({ method: 'POST', path, headers, body });
        await answer.body.dump();
        if (answer.statusCode === 200) requests++;
        else errors++;
      } catch {
        errors++;
      }
      latencies?.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { requests, errors, seconds: (performance.now() - started) / 1000 };
}

const warm = await run(1000);
const latencies = [];
const result = await run(Number(secondsText) * 1000, latencies);
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    ...result,
    warmupRequests: warm.requests + warm.errors,
    perSecond: result.requests / result.seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  }),
);
await pool.close();
