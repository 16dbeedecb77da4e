import type { CatalogEntry } from '../types.js';

/**
 * OpenAI prices, USD per million tokens, from the "Standard", "Batch" and "Flex" tables of the
 * pricing page (text tokens) and its "Embeddings" table.
 *
 * How they were checked (2026-11-27): against a stored copy of the pricing page that already
 * lists gpt-5.1 (late 2025), cross-checked with an earlier copy of the same page, OpenAI's model
 * page for gpt-5-nano (2026) and third-party tables. No live fetch was possible; see
 * docs/prices.md for what that means.
 *
 * Flex: OpenAI's flex guide says flex tokens are "priced at Batch API rates, with additional
 * discounts from prompt caching"; the Flex table lists exactly o3, o4-mini, gpt-5, gpt-5-mini and
 * gpt-5-nano among the models here. Every other model has no `flex` lane.
 */
const source = 'https://developers.openai.com/api/docs/pricing';
const asOf = '2026-11-27';

/** The Batch table prints "-" for cached input on these models: no cache discount in a batch. */
const noBatchCacheRate =
  'The Batch table lists no cached-input rate for this model; cached tokens in a batch are billed at the batch input rate.';

export const openAIPrices: readonly CatalogEntry[] = [
  {
    provider: 'openai',
    model: 'gpt-4o',
    asOf,
    source,
    notes: [noBatchCacheRate],
    realtime: { input: 2.5, cachedInput: 1.25, output: 10 },
    batch: { input: 1.25, output: 5 },
  },
  {
    // The first gpt-4o snapshot kept its launch price; without its own entry the dated-snapshot
    // rule would file it under gpt-4o and halve its cost.
    provider: 'openai',
    model: 'gpt-4o-2024-05-13',
    asOf,
    source,
    notes: ['No cached-input rate is listed for this snapshot in any table.'],
    realtime: { input: 5, output: 15 },
    batch: { input: 2.5, output: 7.5 },
  },
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    asOf,
    source,
    notes: [noBatchCacheRate],
    realtime: { input: 0.15, cachedInput: 0.075, output: 0.6 },
    batch: { input: 0.075, output: 0.3 },
  },
  {
    provider: 'openai',
    model: 'gpt-4.1',
    asOf,
    source,
    notes: [noBatchCacheRate],
    realtime: { input: 2, cachedInput: 0.5, output: 8 },
    batch: { input: 1, output: 4 },
  },
  {
    provider: 'openai',
    model: 'gpt-4.1-mini',
    asOf,
    source,
    notes: [noBatchCacheRate],
    realtime: { input: 0.4, cachedInput: 0.1, output: 1.6 },
    batch: { input: 0.2, output: 0.8 },
  },
  {
    provider: 'openai',
    model: 'gpt-4.1-nano',
    asOf,
    source,
    notes: [noBatchCacheRate],
    realtime: { input: 0.1, cachedInput: 0.025, output: 0.4 },
    batch: { input: 0.05, output: 0.2 },
  },
  {
    provider: 'openai',
    model: 'o3',
    asOf,
    source,
    notes: [noBatchCacheRate],
    realtime: { input: 2, cachedInput: 0.5, output: 8 },
    batch: { input: 1, output: 4 },
    flex: { input: 1, cachedInput: 0.25, output: 4 },
  },
  {
    provider: 'openai',
    model: 'o4-mini',
    asOf,
    source,
    notes: [
      noBatchCacheRate,
      // Kept as printed: which of the two OpenAI bills could not be confirmed.
      'Flex cached input is printed as $0.138; half of the $0.275 standard rate is $0.1375, so the printed ' +
        'figure is probably rounded for display. The catalog keeps the printed figure.',
    ],
    realtime: { input: 1.1, cachedInput: 0.275, output: 4.4 },
    batch: { input: 0.55, output: 2.2 },
    flex: { input: 0.55, cachedInput: 0.138, output: 2.2 },
  },
  {
    provider: 'openai',
    model: 'gpt-5',
    asOf,
    source,
    realtime: { input: 1.25, cachedInput: 0.125, output: 10 },
    batch: { input: 0.625, cachedInput: 0.0625, output: 5 },
    flex: { input: 0.625, cachedInput: 0.0625, output: 5 },
  },
  {
    provider: 'openai',
    model: 'gpt-5-mini',
    asOf,
    source,
    realtime: { input: 0.25, cachedInput: 0.025, output: 2 },
    batch: { input: 0.125, cachedInput: 0.0125, output: 1 },
    flex: { input: 0.125, cachedInput: 0.0125, output: 1 },
  },
  {
    provider: 'openai',
    model: 'gpt-5-nano',
    asOf,
    source,
    realtime: { input: 0.05, cachedInput: 0.005, output: 0.4 },
    batch: { input: 0.025, cachedInput: 0.0025, output: 0.2 },
    flex: { input: 0.025, cachedInput: 0.0025, output: 0.2 },
  },
  // Embeddings bill input tokens only: the table has a "Cost" and a "Batch cost" column.
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    asOf,
    source,
    realtime: { input: 0.02 },
    batch: { input: 0.01 },
  },
  {
    provider: 'openai',
    model: 'text-embedding-3-large',
    asOf,
    source,
    realtime: { input: 0.13 },
    batch: { input: 0.065 },
  },
  {
    provider: 'openai',
    model: 'text-embedding-ada-002',
    asOf,
    source,
    realtime: { input: 0.1 },
    batch: { input: 0.05 },
  },
];
