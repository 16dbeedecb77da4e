import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { isForwardedResponseHeader, spendwallHeaders } from './headers.js';
import type { UsageScanner } from './usage-scanner.js';

/** The provider's headers worth passing on (content type, rate limits, retry hints). */
export function forwardedHeaders(
  upstream: IncomingHttpHeaders,
  into: OutgoingHttpHeaders,
): OutgoingHttpHeaders {
  for (const name in upstream) {
    if (isForwardedResponseHeader(name)) into[name] = upstream[name];
  }
  const upstreamId = upstream['x-request-id'] ?? upstream['request-id'];
  if (upstreamId !== undefined) into[spendwallHeaders.upstreamRequestId] = upstreamId;
  return into;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * Passes a streamed answer through chunk by chunk as it arrives (no buffering; the upstream is
 * paused while the client's socket is full), feeding each chunk to the usage scanner. Resolves
 * `ended` when the provider finished, `client-gone` when the client left (the upstream is then
 * cut, which stops generation at the provider).
 */
export function pipeStream(
  body: Readable,
  response: ServerResponse,
  scanner: UsageScanner | undefined,
): Promise<'ended' | 'client-gone'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (result: 'ended' | 'client-gone' | Error) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      response.off('close', onClose);
      response.off('drain', onDrain);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onDrain = () => body.resume();
    const onData = (chunk: Buffer) => {
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
