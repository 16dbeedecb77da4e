import type { CatalogEntry } from '../types.js';

/**
 * Anthropic prices, USD per million tokens, from the "Model pricing" table of the pricing page
 * (base input, 5m and 1h cache writes, cache hits, output) and its "Batch processing" table.
 *
 * How they were checked (2026-11-27): the model table against two stored copies of the pricing
 * page (docs.anthropic.com, mid-2025, and platform.claude.com, 2026: the same figures for every
 * model below), the batch table against the batch-processing page. No live fetch was possible;
 * see docs/prices.md.
 *
 * The batch discount stacks with prompt caching. The batch-processing page says all usage in a
 * batch is charged at 50% of standard API prices; the batch table prints only input and output,
 * so the batch cache-read and cache-write figures below are the standard ones halved.
 */
const source = 'https://platform.claude.com/docs/en/about-claude/pricing';
const asOf = '2026-11-27';

const batchCacheDerived =
  'Batch cache-read and cache-write prices are derived: 50% of the standard ones, because Anthropic bills ' +
  'all batch usage at 50% of standard prices. The batch table itself prints input and output only.';

/** Sonnet 4 and 4.5 take prompts above 200K tokens only with the 1M-context beta, at higher rates. */
const longContext =
  'Prompts above 200K input tokens (1M-context beta) are billed at long-context rates ($6 input / ' +
  '$22.50 output) the catalog does not model; such requests are priced as unknown.';

export const anthropicPrices: readonly CatalogEntry[] = [
  {
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    asOf,
    source,
    notes: [
      batchCacheDerived,
      'The 2026 pricing page marks Claude Opus 4.1 as retired on the Claude API (still served on Bedrock and ' +
        'Google Cloud); its prices stay here so that earlier ledger rows can be re-priced.',
    ],
    realtime: { input: 15, cachedInput: 1.5, cacheWrite: 18.75, cacheWrite1h: 30, output: 75 },
    batch: { input: 7.5, cachedInput: 0.75, cacheWrite: 9.375, cacheWrite1h: 15, output: 37.5 },
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4',
    aliases: ['claude-opus-4-0'],
    asOf,
    source,
    notes: [batchCacheDerived],
    realtime: { input: 15, cachedInput: 1.5, cacheWrite: 18.75, cacheWrite1h: 30, output: 75 },
    batch: { input: 7.5, cachedInput: 0.75, cacheWrite: 9.375, cacheWrite1h: 15, output: 37.5 },
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    asOf,
    source,
    notes: [
      batchCacheDerived,
      "The batch input/output figures were read from secondary sources quoting Anthropic's batch table; " +
        'the copy of that table available here predates Sonnet 4.5. They equal 50% of the standard prices.',
      longContext,
    ],
    longContextAboveInputTokens: 200_000,
    realtime: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6, output: 15 },
    batch: { input: 1.5, cachedInput: 0.15, cacheWrite: 1.875, cacheWrite1h: 3, output: 7.5 },
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    aliases: ['claude-sonnet-4-0'],
    asOf,
    source,
    notes: [batchCacheDerived, longContext],
    longContextAboveInputTokens: 200_000,
    realtime: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6, output: 15 },
    batch: { input: 1.5, cachedInput: 0.15, cacheWrite: 1.875, cacheWrite1h: 3, output: 7.5 },
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    asOf,
    source,
    notes: [
      batchCacheDerived,
      "The batch input/output figures were read from secondary sources quoting Anthropic's batch table; " +
        'the copy of that table available here predates Haiku 4.5. They equal 50% of the standard prices.',
    ],
    realtime: { input: 1, cachedInput: 0.1, cacheWrite: 1.25, cacheWrite1h: 2, output: 5 },
    batch: { input: 0.5, cachedInput: 0.05, cacheWrite: 0.625, cacheWrite1h: 1, output: 2.5 },
  },
  {
    provider: 'anthropic',
    model: 'claude-3-5-haiku',
    aliases: ['claude-3-5-haiku-latest'],
    asOf,
    source,
    notes: [batchCacheDerived],
    realtime: { input: 0.8, cachedInput: 0.08, cacheWrite: 1, cacheWrite1h: 1.6, output: 4 },
    batch: { input: 0.4, cachedInput: 0.04, cacheWrite: 0.5, cacheWrite1h: 0.8, output: 2 },
  },
];
