import { providerBatchWindowMs } from '../../policy/schema.js';
import { GatewayError } from '../errors.js';
import type { AsyncSubmission } from '../types.js';
import type { NewAsyncRequest } from './request-records.js';
import { sortableId } from './sortable-id.js';
import { allowPrivateWebhooksHint, refusedHost } from './webhook-target.js';

/** The endpoints a provider batch can carry, per provider. */
const batchEndpoints: Record<AsyncSubmission['provider'], readonly string[]> = {
  openai: ['/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/v1/completions', '/v1/moderations'],
  anthropic: ['/v1/messages'],
};

/** The providers' batch window: a request without a deadline must be done within it. */
export const defaultDeadlineMs = providerBatchWindowMs;

/**
 * Turns a routed submission into the row that makes it durable. The body is kept as received,
 * except that the policy's model replaces an alias and a body spread over several lines is put
 * on one (it becomes one line of a JSONL file). `allowPrivateWebhooks` is the policy's
 * `gateway.allowPrivateWebhooks`.
 */
export function toAsyncRequest(
  submission: AsyncSubmission,
  now: number,
  allowPrivateWebhooks = false,
): NewAsyncRequest {
  const { context, decision } = submission;
  if (!batchEndpoints[submission.provider].includes(submission.endpoint)) {
    throw invalid(
      `${submission.endpoint} cannot run in a ${submission.provider} batch`,
      'endpoint_not_batchable',
      null,
    );
  }
  let body = submission.body.toString('utf8');
  const parsed = submission.parsed ?? parseObject(body);
  if (parsed['stream'] === true) {
    throw invalid(
      'a streamed response cannot be answered later; drop "stream" or Prefer: respond-async',
      'stream_not_async',
      'stream',
    );
  }
  if (parsed['model'] !== decision.model) {
    body = JSON.stringify({ ...parsed, model: decision.model });
  } else if (body.includes('\n') || body.includes('\r')) {
    body = JSON.stringify(parsed);
  }
  const webhookUrl =
    submission.webhookUrl === undefined ? null : checkWebhookUrl(submission.webhookUrl, allowPrivateWebhooks);
  const metadata = Object.keys(context.metadata).length > 0 ? JSON.stringify(context.metadata) : null;
  return {
    id: sortableId('areq_', now),
    team: context.caller.team ?? '',
    keyId: context.caller.keyId,
    clientRequestId: context.requestId,
    workload: decision.workload,
    provider: submission.provider,
    endpoint: submission.endpoint,
    model: decision.model,
    metadata,
    body,
    webhookUrl,
    deadlineAt: now + (decision.deadlineMs ?? defaultDeadlineMs),
    createdAt: now,
  };
}

function parseObject(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('the body must be a JSON object', 'invalid_body', null);
  }
  return value as Record<string, unknown>;
}

/**
 * Webhook targets are absolute http(s) URLs without credentials in them. Unless private targets
 * are allowed, a host that is plainly not public (an IP literal, `localhost`) is refused here,
 * before the 202; names are resolved only when the delivery connects (no DNS on this path), and
 * checked again there.
 */
export function checkWebhookUrl(raw: string, allowPrivateTargets = false): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(
      `expected an absolute http(s) URL, got '${raw.slice(0, 200)}'`,
      'invalid_webhook_url',
      'x-spendwall-webhook-url',
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw invalid(
      'expected an http(s) URL without user or password',
      'invalid_webhook_url',
      'x-spendwall-webhook-url',
    );
  }
  const refused = allowPrivateTargets ? undefined : refusedHost(url.hostname);
  if (refused !== undefined) {
    throw invalid(
      `webhooks may only go to public addresses, and ${refused}; ${allowPrivateWebhooksHint}`,
      'webhook_target_not_allowed',
      'x-spendwall-webhook-url',
    );
  }
  return url.toString();
}

/** A 400 the gateway sends as it is: OpenAI's error fields, `param` naming the field or header. */
export function invalid(message: string, code: string, param: string | null): GatewayError {
  return new GatewayError(400, message, { type: 'invalid_request_error', code, param });
}
