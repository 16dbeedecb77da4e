import type { LookupFunction } from 'node:net';
import { webhookHeaders } from '../../core/standard-webhooks.js';
import type { SqlDriver } from '../../store/sql.js';
import { guardedWebhookClient, targetRefusal, type WebhookClient } from './webhook-fetch.js';
import { allowPrivateWebhooksHint } from './webhook-target.js';

/** How completion webhooks are delivered. */
export interface WebhookSettings {
  /** `whsec_…`; from `SPENDWALL_WEBHOOK_SECRET` unless given. */
  secret: string | undefined;
  /** Waits between tries after a failed one; the delivery is given up after the last. */
  retryDelaysMs: readonly number[];
  checkIntervalMs: number;
  /** A delivery that takes longer counts as failed. */
  timeoutMs: number;
  /**
   * Deliver to loopback, private, link-local and other non-public addresses too
   * (`gateway.allowPrivateWebhooks`). Off: the client connects only to public addresses.
   */
  allowPrivateAddresses: boolean;
  /** Replaces the HTTP client, address check included (tests). Default: see `allowPrivateAddresses`. */
  fetch?: typeof fetch;
  /** How the guarded client resolves names; default `dns.lookup` (tests make names resolve). */
  lookup?: LookupFunction;
}

export const defaultWebhookSettings: Omit<WebhookSettings, 'secret' | 'fetch' | 'lookup'> = {
  // About a day in all, as Standard Webhooks suggests: 5 s, 30 s, 2 min, 10 min, 1 h, 6 h, 12 h.
  retryDelaysMs: [5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 43_200_000],
  checkIntervalMs: 500,
  timeoutMs: 10_000,
  allowPrivateAddresses: false,
};

/** While one process delivers, others leave the row alone this long. */
const claimMs = 60_000;

interface DueRow {
  id: string;
  state: 'completed' | 'failed';
  workload: string;
  webhook_url: string;
  webhook_attempts: number;
  webhook_next_at: number;
  finished_at: number;
}

/** The event a request's webhook carries; the same bytes on every retry. */
export function webhookEvent(row: { id: string; state: string; workload: string; finished_at: number }) {
  return {
    id: `evt_${row.id}`,
    object: 'event' as const,
    type: row.state === 'completed' ? 'spendwall.request.completed' : 'spendwall.request.failed',
    created_at: Math.floor(Number(row.finished_at) / 1000),
    data: { id: row.id, status: row.state, workload: row.workload },
  };
}

/**
 * Delivers completion webhooks from the store: a request that ended with a webhook URL has its
 * delivery `pending` (set in the same transaction that ended it), so a crash loses none. Each try
 * is claimed first (its next time pushed ahead), so two processes do not send the same try;
 * receivers still de-duplicate on `webhook-id`, as Standard Webhooks asks.
 */
export class WebhookDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly client: WebhookClient;

  constructor(
    private readonly driver: SqlDriver,
    private readonly settings: WebhookSettings,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    const unguarded = settings.fetch ?? (settings.allowPrivateAddresses ? globalThis.fetch : undefined);
    this.client = unguarded
      ? { fetch: unguarded, close: async () => {} }
      : guardedWebhookClient(settings.lookup);
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.settings.checkIntervalMs);
    this.timer.unref();
  }

  /** Sends every delivery that is due; resolves when they have been tried. */
  check(): Promise<void> {
    this.checking ??= this.deliverDue()
      .catch(this.onError)
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await this.client.close();
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const now = this.now();
      const due = await this.driver.all<DueRow>(
        `SELECT id, state, workload, webhook_url, webhook_attempts, webhook_next_at, finished_at FROM async_requests
         WHERE webhook_state = 'pending' AND webhook_next_at <= ? ORDER BY webhook_next_at LIMIT 64`,
        [now],
      );
      if (due.length === 0) return;
      await Promise.all(due.map((row) => this.deliver(row, now)));
      if (due.length < 64) return;
    }
  }

  private async deliver(row: DueRow, now: number): Promise<void> {
    const claimed = await this.driver.run(
      `UPDATE async_requests SET webhook_next_at = ?
       WHERE id = ? AND webhook_state = 'pending' AND webhook_next_at = ?`,
      [now + claimMs, row.id, row.webhook_next_at],
    );
    if (claimed === 0) return;
    const status = await this.post(row);
    const attempts = Number(row.webhook_attempts) + 1;
    const delay = this.settings.retryDelaysMs[attempts - 1];
    const delivered = status !== null && status >= 200 && status < 300;
    const state = delivered ? 'delivered' : delay === undefined ? 'failed' : 'pending';
    await this.driver.run(
      `UPDATE async_requests SET webhook_state = ?, webhook_attempts = ?, webhook_last_status = ?, webhook_next_at = ?
       WHERE id = ?`,
      [state, attempts, status, state === 'pending' ? this.now() + delay! : null, row.id],
    );
  }

  /**
   * One signed POST; the HTTP status, or null when nothing came back. A target that is not a
   * public address is a failed try like a refused connection, and is reported: the URL came from
   * a client, the setting that allows it is the operator's.
   */
  private async post(row: DueRow): Promise<number | null> {
    const event = webhookEvent(row);
    const payload = JSON.stringify(event);
    const headers = this.settings.secret
      ? webhookHeaders(this.settings.secret, event.id, Math.floor(Date.now() / 1000), payload)
      : {};
    try {
      const response = await this.client.fetch(row.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'spendwall-webhooks', ...headers },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch (error) {
      const refusal = targetRefusal(error);
      if (refusal) {
        // The host only: a webhook URL's path and query may carry the receiver's own token.
        const host = new URL(row.webhook_url).host;
        this.onError(
          new Error(
            `webhook for ${row.id} not delivered to ${host}: ${refusal.reason}; ${allowPrivateWebhooksHint}`,
            { cause: refusal },
          ),
        );
      }
      return null;
    }
  }
}
