import type { Lane } from '../../prices/types.js';

/**
 * The delay a request would see in each lane, as stated assumptions (no provider promises more
 * than its window): realtime answers now; flex answers in minutes (slower processing, and a
 * request may queue or be refused and retried); a batch finishes within the provider's 24-hour
 * window, and we assume a typical (median) completion of 6 hours.
 */
export const laneDelays: Record<Lane, { typicalMs: number; text: string }> = {
  realtime: { typicalMs: 0, text: 'none (answered synchronously)' },
  flex: { typicalMs: 5 * 60_000, text: 'minutes (assumed typical 5 min; flex is slower and may queue)' },
  batch: {
    typicalMs: 6 * 3_600_000,
    text: 'hours (assumed median 6 h; at most the 24 h batch window)',
  },
};
