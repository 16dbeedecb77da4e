import { SpendwallError } from '../../core/errors.js';
import type { Connection } from '../internal/connection.js';
import { placeOf } from '../internal/connection.js';
import { streamedBody } from '../internal/streamed-body.js';
import type { BatchLimits, ProviderRequest } from '../provider.js';

const bodyPrefix = '{"requests":[';
const bodySuffix = ']}';

/**
 * Anthropic's documented ceilings for one message batch: 100,000 requests or 256 MB (read as
 * 256,000,000 bytes, the smaller reading), within 24 hours. `maxBytes` bounds the request body,
 * counted as each encoded line plus one separator byte, so the body's framing is taken off here.
 */
export const anthropicBatchLimits: BatchLimits = {
  maxRequests: 100_000,
  maxBytes: 256_000_000 - bodyPrefix.length - bodySuffix.length,
  windowMs: 24 * 60 * 60 * 1000,
};

/** Anthropic's rule for custom_id, checked here because a bad one refuses the whole batch. */
const customIdPattern = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * One element of `requests`. The body is already JSON text and is spliced in as it is (packing
 * 100,000 requests must not re-parse them); line breaks can only sit between JSON tokens, so they
 * become spaces and the element stays on one line.
 */
export function encodeAnthropicRequest(request: ProviderRequest): string {
  if (!customIdPattern.test(request.customId)) {
    throw new SpendwallError(
      `custom_id ${JSON.stringify(request.customId)} does not match ^[a-zA-Z0-9_-]{1,64}$, which Anthropic requires`,
      { code: 'invalid_custom_id', place: 'custom_id' },
    );
  }
  const body = /[\r\n]/.test(request.body) ? request.body.replace(/[\r\n]+/g, ' ') : request.body;
  return `{"custom_id":"${request.customId}","params":${body}}`;
}

/** The `POST /v1/messages/batches` body, `{"requests":[…]}`, streamed from the encoded lines. */
export function batchRequestBody(connection: Connection, lines: AsyncIterable<string>) {
  return streamedBody({
    prefix: bodyPrefix,
    lines,
    render: (line, index) => (index === 0 ? line : `,${line}`),
    suffix: bodySuffix,
    place: placeOf(connection, { method: 'POST', path: '/v1/messages/batches' }),
  });
}
