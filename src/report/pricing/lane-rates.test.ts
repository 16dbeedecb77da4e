import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.js';
import { computeCost, createPriceBook, lanes } from '../../prices/index.js';
import type { Usage } from '../../prices/types.js';
import { laneCostFor } from './lane-rates.js';

describe('laneCostFor', () => {
  it('gives exactly what computeCost gives, for every catalog model and lane', () => {
    const random = seededRandom('lane-rates');
    const count = (maximum: number) => Math.floor(random() * maximum);
    for (const price of createPriceBook().entries()) {
      for (const lane of lanes) {
        const fast = laneCostFor(price, lane);
        for (let trial = 0; trial < 300; trial++) {
          const inputTokens = count(trial % 50 === 0 ? 400_000 : 20_000);
          const cached = random() < 0.5 ? count(inputTokens + 1) : 0;
          const written =
            price.provider === 'anthropic' && random() < 0.5 ? count(inputTokens - cached + 1) : 0;
          const usage: Usage = {
            inputTokens,
            outputTokens: random() < 0.2 ? 0 : count(8000),
            ...(cached ? { cachedInputTokens: cached } : {}),
            ...(written
              ? { cacheCreationInputTokens: written, cacheCreation1hInputTokens: count(written + 1) }
              : {}),
          };
          const exact = computeCost(price, usage, lane);
          expect(fast(usage), `${price.model} ${lane} ${JSON.stringify(usage)}`).toBe(
            exact.priced ? exact.nanoUsd : null,
          );
        }
      }
    }
  });

  it('is null for an unknown model and for a lane the model does not offer', () => {
    expect(laneCostFor(undefined, 'realtime')({ inputTokens: 10, outputTokens: 1 })).toBeNull();
    const gpt4o = createPriceBook().priceFor('openai', 'gpt-4o');
    expect(laneCostFor(gpt4o, 'flex')({ inputTokens: 10, outputTokens: 1 })).toBeNull();
  });

  it('hands invalid counts to computeCost, which refuses them', () => {
    const gpt4o = createPriceBook().priceFor('openai', 'gpt-4o');
    expect(
      laneCostFor(gpt4o, 'realtime')({ inputTokens: 10, cachedInputTokens: 11, outputTokens: 1 }),
    ).toBeNull();
    expect(laneCostFor(gpt4o, 'realtime')({ inputTokens: 1.5, outputTokens: 1 })).toBeNull();
  });
});
