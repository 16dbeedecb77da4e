import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { badRequest } from './errors.js';
import { fastId } from './fast-id.js';
import { spendwallHeaders, standardHeaders } from './headers.js';
import type { Caller, RequestContext } from './types.js';

const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;
const metadataSchema = z.record(z.string(), z.string());

/** The request id to echo: the client's when it is a sane token, else a new one. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers[standardHeaders.requestId];
  return typeof given === 'string' && saneRequestId.test(given) ? given : fastId('req_');
}

/**
 * Labels from headers, then from the body's `metadata` (headers win): the workload, string
 * metadata and tags. Bad header values are refused with a 400 that names the header.
 */
export function buildContext(
  headers: IncomingHttpHeaders,
  requestId: string,
  caller: Caller,
  startedAt: number,
  bodyMetadata: Record<string, unknown> | null | undefined,
): RequestContext {
  const metadata: Record<string, string> = {};
  if (bodyMetadata) {
    for (const [key, value] of Object.entries(bodyMetadata))
      if (typeof value === 'string') metadata[key] = value;
  }
  const metadataHeader = headers[spendwallHeaders.metadata];
  if (typeof metadataHeader === 'string' && metadataHeader !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(metadataHeader);
    } catch {
      parsed = undefined;
    }
    const checked = metadataSchema.safeParse(parsed);
    if (!checked.success) {
      throw badRequest(
        `${spendwallHeaders.metadata} must be a JSON object of string values, e.g. {"ticket":"T-1"}`,
        spendwallHeaders.metadata,
        'invalid_header',
      );
    }
    Object.assign(metadata, checked.data);
  }
  const workloadHeader = headers[spendwallHeaders.workload];
  const workload =
    (typeof workloadHeader === 'string' && workloadHeader.trim()) || metadata['workload'] || undefined;
  const tagsHeader = headers[spendwallHeaders.tags];
  const tags =
    typeof tagsHeader === 'string'
      ? tagsHeader
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean)
      : [];
  return { requestId, caller, workload, metadata, tags, startedAt };
}
