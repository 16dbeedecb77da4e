import {
  discard,
  isTimeout,
  type RetrySettings,
  retryDelay,
  sendOnce,
  sendWithRetries,
  type UpstreamAnswer,
  type UpstreamRequest,
} from './upstream-call.js';

/**
 * The synchronous lanes. Realtime proxies with bounded retries. Flex sends the request with
 * `service_tier: "flex"` (cheaper, slower, may be refused); a refusal or a timeout falls back to
 * realtime when the deadline leaves no room to try flex again, and the lane actually used is
 * what the ledger records.
 */
export interface LaneSettings {
  retry: RetrySettings;
  /** The longest a flex call may wait for the provider's answer (OpenAI suggests up to 15 min). */
  flexTimeoutMs: number;
  /** Flex attempts after a refusal, while the deadline allows. */
  flexRetries: number;
  /** Time kept back from the deadline for the realtime fallback to finish. */
  realtimeReserveMs: number;
}

export const defaultLaneSettings: LaneSettings = {
  retry: {
    maxRetries: 2,
    initialDelayMs: 500,
    maxDelayMs: 8_000,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  },
  flexTimeoutMs: 600_000,
  flexRetries: 1,
  realtimeReserveMs: 60_000,
};

export interface LaneRun {
  answer: UpstreamAnswer;
  lane: 'realtime' | 'flex';
  /** Flex was refused or too slow, and the request ran realtime. */
  fellBack: boolean;
}

export interface LaneHooks {
  onRetry?: () => void;
  onFlexRefused?: (reason: 'refused' | 'timeout') => void;
}

export async function runRealtime(
  request: UpstreamRequest,
  settings: LaneSettings,
  hooks: LaneHooks = {},
): Promise<LaneRun> {
  const answer = await sendWithRetries(request, settings.retry, hooks.onRetry);
  return { answer, lane: 'realtime', fellBack: false };
}

/**
 * `request` carries the original body (for the fallback), `flexBody` the one with
 * `service_tier: "flex"`. `deadlineAt` is a `performance.now()` time.
 */
export async function runFlex(
  request: UpstreamRequest,
  flexBody: Buffer,
  deadlineAt: number,
  settings: LaneSettings,
  hooks: LaneHooks = {},
): Promise<LaneRun> {
  for (let attempt = 0; ; attempt++) {
    const room = deadlineAt - performance.now() - settings.realtimeReserveMs;
    if (room <= 0) break;
    const timeout = Math.min(settings.flexTimeoutMs, room);
    let reason: 'refused' | 'timeout';
    let wait = 0;
    try {
      const answer = await sendOnce({ ...request, body: flexBody, headersTimeoutMs: timeout });
      if (answer.statusCode !== 429 && answer.statusCode !== 503) {
        return { answer: { ...answer, retries: attempt }, lane: 'flex', fellBack: false };
      }
      wait = retryDelay(answer.headers, attempt, settings.retry);
      await discard(answer.body);
      reason = 'refused';
    } catch (error) {
      if (!isTimeout(error)) throw error;
      reason = 'timeout';
    }
    hooks.onFlexRefused?.(reason);
    const roomAfterWait = deadlineAt - performance.now() - wait - settings.realtimeReserveMs;
    if (reason === 'timeout' || attempt >= settings.flexRetries || roomAfterWait <= 0) break;
    await settings.retry.sleep(wait);
  }
  const fallback = await runRealtime(request, settings, hooks);
  return { ...fallback, fellBack: true };
}
