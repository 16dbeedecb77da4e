import { createPriceBook } from '../prices/index.js';
import { defaultBatchMinimumDeadlineMs } from './schema.js';
import type { Policy } from './types.js';

/**
 * The policy in force when there is no `spendwall.yaml`: every request is interactive and runs
 * realtime. Nothing is delayed until someone writes down what can wait.
 */
export const defaultPolicy: Policy = Object.freeze<Policy>({
  source: 'built-in default policy',
  default: { pattern: 'default', workload: 'unlabeled', urgency: 'interactive' },
  workloads: [],
  providers: {},
  models: {},
  gateway: {
    enforce: false,
    batchMinimumDeadlineMs: defaultBatchMinimumDeadlineMs,
    allowPrivateWebhooks: false,
  },
  prices: {},
  priceBook: createPriceBook(),
});
