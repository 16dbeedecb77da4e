import type { CatalogEntry } from '../types.js';
import { anthropicPrices } from './anthropic.js';
import { openAIPrices } from './openai.js';

/** Every price Spendwall ships with. Adding a provider is adding a file here and one line below. */
export const catalog: readonly CatalogEntry[] = [...openAIPrices, ...anthropicPrices];
