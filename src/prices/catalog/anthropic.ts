import type { CatalogEntry, LanePrice } from '../types.js';

/**
 * Anthropic prices, USD per million tokens, from the "Model pricing" table of the pricing page
 * (base input, 5m and 1h cache writes, cache hits, output) and its "Batch processing" table, and
 * for the newest models from their model overview pages, whose "Pricing" block lists the same
 * five figures and the rule "Batch API: 50% discount on input and output".
 *
 * How they were checked (2026-11-27): the model table against stored copies of the pricing page
 * (docs.anthropic.com, mid-2025, and platform.claude.com, early and mid-2026: the same figures for
 * every model they share), the model overview pages against their stored 2026 copies, the batch
 * table against the batch-processing page. No live fetch was possible; see docs/prices.md.
 *
 * The batch discount stacks with prompt caching. The batch-processing page says all usage in a
 * batch is charged at 50% of standard API prices; the batch table prints only input and output,
 * so the batch cache-read and cache-write figures below are the standard ones halved.
 */
const source = 'https://platform.claude.com/docs/en/about-claude/pricing';
const modelPage = (slug: string) => `https://platform.claude.com/docs/en/models/${slug}/overview`;
const asOf = '2026-11-27';

const batchCacheDerived =
  'Batch cache-read and cache-write prices are derived: 50% of the standard ones, because Anthropic bills ' +
  'all batch usage at 50% of standard prices. The batch table itself prints input and output only.';

/** For models whose page states the batch rule instead of printing batch figures. */
const batchFromModelPage =
  'All batch prices are derived: the model page gives the rule "Batch API: 50% discount on input and output" ' +
  'rather than figures, and Anthropic bills all batch usage, cache reads and writes included, at 50% of ' +
  'standard prices.';

/** For models found only in the pricing page's model table. */
const batchFromRule =
  "All batch prices are derived: 50% of the standard ones, by the batch-processing page's rule that all " +
  'batch usage is billed at 50% of standard prices. The stored copies of the batch table predate this model.';

/** The 1M-context models price the whole window at one rate, unlike Sonnet 4 and 4.5. */
const oneRateContext =
  'The model page lists a 1M-token context window and one input and one output price (it prints "From" ' +
  'where a price is tiered, as for Haiku 5.5), so no long-context limit is set.';

/** Sonnet 4 and 4.5 take prompts above 200K tokens only with the 1M-context beta, at higher rates. */
const longContext =
  'Prompts above 200K input tokens (1M-context beta) are billed at long-context rates ($6 input / ' +
  '$22.50 output) the catalog does not model; such requests are priced as unknown.';

/**
 * Realtime prices and the batch prices derived from them by Anthropic's rule (all batch usage at
 * 50% of standard prices), for the entries whose notes say their batch figures are derived.
 */
function halfPriceBatch(realtime: Required<LanePrice>): { realtime: LanePrice; batch: LanePrice } {
  const { input, cachedInput, cacheWrite, cacheWrite1h, output } = realtime;
  return {
    realtime,
    batch: {
      input: input / 2,
      cachedInput: cachedInput / 2,
      cacheWrite: cacheWrite / 2,
      cacheWrite1h: cacheWrite1h / 2,
      output: output / 2,
    },
  };
}

export const anthropicPrices: readonly CatalogEntry[] = [
  {
    provider: 'anthropic',
    model: 'claude-fable-5-1',
    asOf,
    source,
    notes: [
      batchFromRule,
      oneRateContext,
      'Cache hits cost 0.025 times the input price ($0.25), not the usual 0.1 times; the pricing page ' +
        'footnotes the figure. Claude Mythos 5.1 (limited availability) has the same prices and is not in the catalog.',
    ],
    ...halfPriceBatch({ input: 10, cachedInput: 0.25, cacheWrite: 12.5, cacheWrite1h: 20, output: 50 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-fable-5',
    asOf,
    source,
    notes: [
      batchFromRule,
      oneRateContext,
      'Claude Mythos 5 (limited availability) has the same prices and is not in the catalog.',
    ],
    ...halfPriceBatch({ input: 10, cachedInput: 1, cacheWrite: 12.5, cacheWrite1h: 20, output: 50 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-5-5',
    asOf,
    source: modelPage('opus-5-5'),
    notes: [
      batchFromModelPage,
      oneRateContext,
      'Cache hits cost 0.05 times the input price ($0.20), not the usual 0.1 times, as the model page prints.',
    ],
    ...halfPriceBatch({ input: 4, cachedInput: 0.2, cacheWrite: 5, cacheWrite1h: 8, output: 20 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-5',
    asOf,
    source: modelPage('opus-5'),
    notes: [batchFromModelPage, oneRateContext],
    ...halfPriceBatch({ input: 5, cachedInput: 0.5, cacheWrite: 6.25, cacheWrite1h: 10, output: 25 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4-8',
    asOf,
    source,
    notes: [batchFromRule, oneRateContext],
    ...halfPriceBatch({ input: 5, cachedInput: 0.5, cacheWrite: 6.25, cacheWrite1h: 10, output: 25 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4-7',
    asOf,
    source,
    notes: [
      batchFromRule,
      'No stored copy of the Opus 4.7 model page was available; the pricing page lists one price for it, ' +
        'so no long-context limit is set. Not confirmed against the model page.',
    ],
    ...halfPriceBatch({ input: 5, cachedInput: 0.5, cacheWrite: 6.25, cacheWrite1h: 10, output: 25 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    asOf,
    source,
    notes: [batchFromRule, oneRateContext],
    ...halfPriceBatch({ input: 5, cachedInput: 0.5, cacheWrite: 6.25, cacheWrite1h: 10, output: 25 }),
  },
  {
    // Its dated id, claude-opus-4-5-20251101, finds this entry by the snapshot rule.
    provider: 'anthropic',
    model: 'claude-opus-4-5',
    asOf,
    source,
    notes: [
      batchFromModelPage,
      'The 2026 model page marks Claude Opus 4.5 as legacy, retiring "not sooner than November 24, 2026"; ' +
        'its prices stay here so that earlier ledger rows can be re-priced.',
    ],
    ...halfPriceBatch({ input: 5, cachedInput: 0.5, cacheWrite: 6.25, cacheWrite1h: 10, output: 25 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    asOf,
    source: modelPage('sonnet-5'),
    notes: [batchFromModelPage, oneRateContext],
    ...halfPriceBatch({ input: 2, cachedInput: 0.2, cacheWrite: 2.5, cacheWrite1h: 4, output: 10 }),
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    asOf,
    source,
    notes: [batchFromRule, oneRateContext],
    ...halfPriceBatch({ input: 3, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6, output: 15 }),
  },
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
