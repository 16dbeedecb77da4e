import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), the format OpenAI uses:
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed
 * with the base64 bytes after `whsec_`. Both official SDKs verify them (openai's
 * `webhooks.unwrap`, @anthropic-ai/sdk's `beta.webhooks.unwrap`).
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, payload: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${payload}`).digest('base64');
  return `v1,${signature}`;
}

/** The three headers of one signed delivery. */
export function webhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  payload: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(secret, id, timestampSeconds, payload),
  };
}

/** Whether a secret has the `whsec_<base64>` form and at least 24 bytes of key (Standard Webhooks asks for 24–64). */
export function isWebhookSecret(secret: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  return match !== null && Buffer.from(match[1]!, 'base64').length >= 24;
}
