// A tiny fixed-latency upstream for the gateway benchmark: raw node:http, answers every POST with
// a canned chat completion after LATENCY_MS, or, when the body asks for `"stream":true`, with a
// paced SSE stream (CHUNKS chunks, one every PACE_MS, the first at once, usage in the last; a body
// field "bench_chunks" / "bench_pace_ms" overrides both for that request).
// Usage: node gateway-upstream.mjs PORT LATENCY_MS PACE_MS CHUNKS; prints "ready PORT".
import { createServer } from 'node:http';

const [portText = '0', latencyText = '0', paceText = '20', chunksText = '20'] = process.argv.slice(2);
const latencyMs = Number(latencyText);
const paceMs = Number(paceText);
const chunkCount = Number(chunksText);

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'A short canned answer for the benchmark.' },
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 12,
    completion_tokens: 9,
    total_tokens: 21,
    prompt_tokens_details: { cached_tokens: 0 },
  },
  service_tier: 'default',
});
const chunk = (content) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: null })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 12, completion_tokens: chunkCount, total_tokens: 12 + chunkCount } })}\n\ndata: [DONE]\n\n`;

const server = createServer((request, response) => {
  const parts = [];
  request.on('data', (part) => parts.push(part));
  request.on('end', () => {
    const text = Buffer.concat(parts).toString();
    const streamed = request.method === 'POST' && text.includes('"stream":true');
    const chunks = Number(/"bench_chunks":(\d+)/.exec(text)?.[1] ?? chunkCount);
    const pace = Number(/"bench_pace_ms":(\d+)/.exec(text)?.[1] ?? paceMs);
    const answer = () => {
      if (!streamed) {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(completion),
          'x-request-id': 'req_upstream',
        });
        response.end(completion);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let sent = 0;
      const next = () => {
        if (response.destroyed) return;
        if (sent === chunks) {
          response.end(usageChunk);
          return;
        }
        response.write(chunk(`word${sent} `));
        sent++;
        setTimeout(next, pace);
      };
      next();
    };
    if (latencyMs > 0) setTimeout(answer, latencyMs);
    else answer();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portText), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
