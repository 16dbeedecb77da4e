/**
 * Prices: what each provider charges per model and lane, and what a request cost. The ledger,
 * the run summary and the savings figures all go through here; see docs/prices.md.
 */
export { catalog } from './catalog/index.js';
export {
  type CostResult,
  computeCost,
  costOf,
  explainUnpriced,
  lanePrice,
  nanoUsdPerUsd,
  offersLane,
  type UnpricedReason,
} from './cost.js';
export { formatUsd } from './format-usd.js';
export { costsInEveryLane, type LaneCosts } from './lane-costs.js';
export { parsePriceOverrides } from './overrides.js';
export { createPriceBook, type PriceBook, type PriceBookOptions, priceFor } from './price-book.js';
export {
  type LaneOverride,
  type ModelOverride,
  type PriceOverrides,
  priceOverridesSchema,
} from './schema.js';
export type { CatalogEntry, Lane, LanePrice, ModelPrice, ProviderName, Usage } from './types.js';
export { lanes } from './types.js';
export { usageFromAnthropicMessage, usageFromOpenAIBody } from './usage.js';
