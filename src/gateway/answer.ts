import type { IncomingHttpHeaders, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { isForwardedResponseHeader, spendwallHeaders } from './headers.js';
import type { AnswerBody } from './upstream-call.js';
import type { UsageScanner } from './usage-scanner.js';

/**
 * Answer headers as node:http takes them fastest: a flat list, name then value. An object built
 * with computed names (`[spendwallHeaders.lane]: …`) is created through V8's slow path and then
 * walked key by key; on the hot path that showed as one of the gateway's own costliest lines.
 */
export type HeaderList = OutgoingHttpHeader[];

/** The provider's headers worth passing on (content type, rate limits, retry hints), appended to `into`. */
export function forwardedHeaders(upstream: IncomingHttpHeaders, into: HeaderList): HeaderList {
  for (const name in upstream) {
    const value = upstream[name];
    if (value !== undefined && isForwardedResponseHeader(name)) into.push(name, value);
  }
  const upstreamId = upstream['x-request-id'] ?? upstream['request-id'];
  if (upstreamId !== undefined) into.push(spendwallHeaders.upstreamRequestId, upstreamId);
  return into;
}

/**
 * The whole answer as one Buffer (at once when it was gathered already). Plain `data`/`end`
 * listeners rather than `for await`: the async iterator costs a promise and a microtask per
 * chunk, a visible share of a proxied request's CPU (bench/gateway.ts).
 */
export function readAll(body: AnswerBody): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return Promise.resolve(body);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    body.once('error', reject);
  });
}

/**
 * Passes a streamed answer through chunk by chunk as it arrives (no buffering; the upstream is
 * paused while the client's socket is full), feeding each chunk to the usage scanner. Resolves
 * `ended` when the provider finished, `client-gone` when the client left (the upstream is then
 * cut, which stops generation at the provider).
 *
 * The answer's head, already given to `writeHead`, goes out with the first chunk when that chunk
 * is already here (one write instead of two, so the client's first byte comes sooner), and on
 * its own right after this event-loop turn otherwise, so a slow first token never holds it back.
 */
export function pipeStream(
  body: Readable,
  response: ServerResponse,
  scanner: UsageScanner | undefined,
): Promise<'ended' | 'client-gone'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let wrote = false;
    const flushHead = setImmediate(() => {
      if (!wrote && !response.destroyed) response.flushHeaders();
    });
    const finish = (result: 'ended' | 'client-gone' | Error) => {
      if (settled) return;
      settled = true;
      clearImmediate(flushHead);
      body.off('data', onData);
      response.off('close', onClose);
      response.off('drain', onDrain);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onDrain = () => body.resume();
    const onData = (chunk: Buffer) => {
      wrote = true;
      scanner?.push(chunk);
      if (!response.write(chunk)) body.pause();
    };
    const onClose = () => {
      body.destroy();
      finish('client-gone');
    };
    body.on('data', onData);
    response.on('drain', onDrain);
    response.once('close', onClose);
    body.once('end', () => finish('ended'));
    body.once('error', (error) => finish(error));
  });
}
