import { signWebhook } from '../core/standard-webhooks.js';
import type { EmulatorRecord } from './record.js';

/**
 * Signed webhook events in the Standard Webhooks format that OpenAI uses
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`).
 * Both official SDKs verify them: openai's `webhooks.unwrap` and @anthropic-ai/sdk's
 * `beta.webhooks.unwrap`. The signer lives in core, shared with the gateway's async lane.
 */

export { signWebhook };

export interface WebhookEvent {
  id: string;
  object: 'event';
  type: string;
  created_at: number;
  data: { id: string };
}

export class WebhookSender {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly target: { url: string; secret: string } | undefined,
    private readonly record: EmulatorRecord,
    private readonly retryDelaysMs: readonly number[] = [100, 500, 2000],
  ) {}

  /** Queues an event for delivery; delivery happens in the background and never throws. */
  send(event: WebhookEvent): void {
    if (!this.target) return;
    const delivery = this.deliver(this.target, event).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  /** Resolves when every queued delivery has succeeded or given up. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async deliver(target: { url: string; secret: string }, event: WebhookEvent): Promise<void> {
    const payload = JSON.stringify(event);
    const entry = {
      id: event.id,
      type: event.type,
      objectId: event.data.id,
      deliveryStatus: null as number | null,
    };
    this.record.webhooks.push(entry);
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      // The timestamp is real time, not emulated time: receivers check it against their own clock.
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': event.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(target.secret, event.id, timestamp, payload),
          },
          body: payload,
        });
        await response.arrayBuffer();
        entry.deliveryStatus = response.status;
        if (response.ok) return;
      } catch {
        entry.deliveryStatus = null;
      }
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
