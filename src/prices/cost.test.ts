import { describe, expect, it } from 'vitest';
import { computeCost, costOf, explainUnpriced, nanoUsdPerUsd } from './cost.js';
import { priceFor } from './price-book.js';

// Worked by hand. $P per million tokens is P × 1,000 nano-USD per token:
// $2.50/M → 2,500 nano-USD per token, $0.0025/M → 2.5 nano-USD per token.

describe('costOf: exact nano-USD arithmetic', () => {
  const gpt4o = priceFor('openai', 'gpt-4o-2024-08-06');

  it('bills gpt-4o realtime with cached tokens at the cached rate', () => {
    // 1,000 input of which 200 cached, 500 output:
    //   800 uncached × 2,500 = 2,000,000
    //   200 cached   × 1,250 =   250,000
    //   500 output   × 10,000 = 5,000,000
    //   total 7,250,000 nano-USD = $0.00725
    const usage = { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 };
    expect(costOf(gpt4o, usage, 'realtime')).toBe(7_250_000);
  });

  it('bills gpt-4o batch cached tokens at the batch input rate (the batch table lists none)', () => {
    //   1,000 input × 1,250 = 1,250,000 (cached or not)
    //     500 output × 5,000 = 2,500,000
    //   total 3,750,000
    const usage = { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 };
    expect(costOf(gpt4o, usage, 'batch')).toBe(3_750_000);
  });

  it('rounds half a nano-dollar up, once per request (gpt-5-nano batch cached input is 2.5 nano-USD)', () => {
    //   668 uncached × 25  = 16,700
    //   333 cached   × 2.5 =    832.5
    //     7 output   × 200 =  1,400
    //   total 18,932.5 → 18,933
    const usage = { inputTokens: 1001, cachedInputTokens: 333, outputTokens: 7 };
    expect(costOf(priceFor('openai', 'gpt-5-nano'), usage, 'batch')).toBe(18_933);
  });

  it('bills o4-mini flex at the printed flex rates', () => {
    //   1,000 uncached × 550   = 550,000
    //   1,000 cached   × 138   = 138,000
    //     100 output   × 2,200 = 220,000
    //   total 908,000
    const usage = { inputTokens: 2000, cachedInputTokens: 1000, outputTokens: 100 };
    expect(costOf(priceFor('openai', 'o4-mini'), usage, 'flex')).toBe(908_000);
  });

  it('bills Anthropic cache reads and writes, and halves all of it in a batch', () => {
    // Sonnet 4.5: 50 uncached, 10,000 cache reads, 2,000 cache writes (5-minute), 400 output.
    //   realtime: 50 × 3,000 + 10,000 × 300 + 2,000 × 3,750 + 400 × 15,000
    //           = 150,000 + 3,000,000 + 7,500,000 + 6,000,000 = 16,650,000
    //   batch:    50 × 1,500 + 10,000 × 150 + 2,000 × 1,875 + 400 × 7,500
    //           = 75,000 + 1,500,000 + 3,750,000 + 3,000,000 = 8,325,000
    const sonnet = priceFor('anthropic', 'claude-sonnet-4-5-20250929');
    const usage = {
      inputTokens: 12_050,
      cachedInputTokens: 10_000,
      cacheCreationInputTokens: 2000,
      outputTokens: 400,
    };
    expect(costOf(sonnet, usage, 'realtime')).toBe(16_650_000);
    expect(costOf(sonnet, usage, 'batch')).toBe(8_325_000);
  });

  it('bills 1-hour cache writes at their own rate', () => {
    // Haiku 4.5: 100 uncached, 3,000 written (1,000 of them for an hour), 50 output.
    //   100 × 1,000 + 2,000 × 1,250 + 1,000 × 2,000 + 50 × 5,000
    //   = 100,000 + 2,500,000 + 2,000,000 + 250,000 = 4,850,000
    const usage = {
      inputTokens: 3100,
      cacheCreationInputTokens: 3000,
      cacheCreation1hInputTokens: 1000,
      outputTokens: 50,
    };
    expect(costOf(priceFor('anthropic', 'claude-haiku-4-5'), usage, 'realtime')).toBe(4_850_000);
  });

  it('bills Opus 5.5 at its model-page prices, and exactly half of every figure in a batch', () => {
    // Opus 5.5: $4 input, $0.20 cache hits, $5 / $8 cache writes (5-minute / 1-hour), $20 output.
    // 1,000 uncached, 20,000 cache reads, 3,000 cache writes (1,000 for an hour), 800 output.
    //   realtime: 1,000 × 4,000 + 20,000 × 200 + 2,000 × 5,000 + 1,000 × 8,000 + 800 × 20,000
    //           = 4,000,000 + 4,000,000 + 10,000,000 + 8,000,000 + 16,000,000 = 42,000,000 ($0.042)
    //   batch:    1,000 × 2,000 + 20,000 × 100 + 2,000 × 2,500 + 1,000 × 4,000 + 800 × 10,000
    //           = 2,000,000 + 2,000,000 + 5,000,000 + 4,000,000 + 8,000,000 = 21,000,000
    const opus = priceFor('anthropic', 'claude-opus-5-5');
    const usage = {
      inputTokens: 24_000,
      cachedInputTokens: 20_000,
      cacheCreationInputTokens: 3000,
      cacheCreation1hInputTokens: 1000,
      outputTokens: 800,
    };
    expect(costOf(opus, usage, 'realtime')).toBe(42_000_000);
    expect(costOf(opus, usage, 'batch')).toBe(21_000_000);
  });

  it('bills Fable 5.1 cache hits at a quarter of Fable 5 ($0.25 against $1 per million)', () => {
    // 500 uncached, 100,000 cache reads, 300 output.
    //   Fable 5.1 realtime: 500 × 10,000 + 100,000 × 250 + 300 × 50,000
    //                     = 5,000,000 + 25,000,000 + 15,000,000 = 45,000,000
    //   Fable 5.1 batch:    500 × 5,000 + 100,000 × 125 + 300 × 25,000
    //                     = 2,500,000 + 12,500,000 + 7,500,000 = 22,500,000
    //   Fable 5 realtime:   500 × 10,000 + 100,000 × 1,000 + 300 × 50,000
    //                     = 5,000,000 + 100,000,000 + 15,000,000 = 120,000,000
    const usage = { inputTokens: 100_500, cachedInputTokens: 100_000, outputTokens: 300 };
    expect(costOf(priceFor('anthropic', 'claude-fable-5-1'), usage, 'realtime')).toBe(45_000_000);
    expect(costOf(priceFor('anthropic', 'claude-fable-5-1'), usage, 'batch')).toBe(22_500_000);
    expect(costOf(priceFor('anthropic', 'claude-fable-5'), usage, 'realtime')).toBe(120_000_000);
  });

  it('bills Sonnet 5 and the dated Opus 4.5 id at their own prices', () => {
    // Sonnet 5: 2,000 uncached, 1,000 output: 2,000 × 2,000 + 1,000 × 10,000 = 14,000,000;
    // in a batch 2,000 × 1,000 + 1,000 × 5,000 = 7,000,000.
    const usage = { inputTokens: 2000, outputTokens: 1000 };
    expect(costOf(priceFor('anthropic', 'claude-sonnet-5'), usage, 'realtime')).toBe(14_000_000);
    expect(costOf(priceFor('anthropic', 'claude-sonnet-5'), usage, 'batch')).toBe(7_000_000);
    // A million Opus 4.5 output tokens: $25, a third of Opus 4.1's $75.
    const million = { inputTokens: 0, outputTokens: 1_000_000 };
    expect(costOf(priceFor('anthropic', 'claude-opus-4-5-20251101'), million, 'realtime')).toBe(
      25 * nanoUsdPerUsd,
    );
  });

  it('prices a 1M-context prompt on the newest models instead of calling it long-context', () => {
    // Opus 5: 900,000 uncached input × 5,000 = 4,500,000,000 ($4.50).
    const usage = { inputTokens: 900_000, outputTokens: 0 };
    expect(costOf(priceFor('anthropic', 'claude-opus-5'), usage, 'realtime')).toBe(4_500_000_000);
  });

  it('bills embeddings for input only', () => {
    // 12,345 tokens × 20 nano-USD = 246,900; in a batch × 10 = 123,450.
    const small = priceFor('openai', 'text-embedding-3-small');
    expect(costOf(small, { inputTokens: 12_345, outputTokens: 0 }, 'realtime')).toBe(246_900);
    expect(costOf(small, { inputTokens: 12_345, outputTokens: 0 }, 'batch')).toBe(123_450);
  });

  it('makes ledger sums exact: ten thousand rows add up to ten thousand times one row', () => {
    const usage = { inputTokens: 1001, cachedInputTokens: 333, outputTokens: 7 };
    const row = costOf(priceFor('openai', 'gpt-5-nano'), usage, 'batch') ?? Number.NaN;
    let total = 0;
    for (let index = 0; index < 10_000; index++) total += row;
    expect(total).toBe(189_330_000);
    expect(Number.isSafeInteger(total)).toBe(true);
  });

  it('costs a million output tokens of Opus 4.1 at exactly $75', () => {
    const usage = { inputTokens: 0, outputTokens: 1_000_000 };
    expect(costOf(priceFor('anthropic', 'claude-opus-4-1'), usage, 'realtime')).toBe(75 * nanoUsdPerUsd);
  });
});

describe('costOf: unknown is null, never zero', () => {
  const usage = { inputTokens: 100, outputTokens: 10 };

  it('matches BigInt arithmetic exactly, on either side of 2^53 pico-USD and at every rounding', () => {
    // The reference: the sum in BigInts, rounded half up once.
    const reference = (parts: Array<[number, number]>) => {
      const pico = parts.reduce(
        (sum, [tokens, rate]) => sum + BigInt(tokens) * BigInt(Math.round(rate * 1e6)),
        0n,
      );
      const nano = (pico + 500n) / 1000n;
      return nano > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(nano);
    };
    const price = {
      provider: 'openai',
      model: 'test-model',
      realtime: { input: 0.0025, cachedInput: 0.001, output: 75 },
    } as unknown as Parameters<typeof costOf>[0];
    let state = 17;
    const next = (limit: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % limit;
    };
    const sizes = [1, 7, 999, 1_000_001, 2 ** 40, 2 ** 45 + 3, 90_071_992_547];
    for (let round = 0; round < 2000; round++) {
      const input = sizes[next(sizes.length)]! + next(1000);
      const cached = next(2) === 0 ? 0 : Math.floor(input / (2 + next(5)));
      const output = sizes[next(sizes.length)]! + next(1000);
      const expected = reference([
        [input - cached, 0.0025],
        [cached, 0.001],
        [output, 75],
      ]);
      expect(
        costOf(price, { inputTokens: input, cachedInputTokens: cached, outputTokens: output }, 'realtime'),
      ).toBe(expected);
    }
  });

  it('prices an unknown model as unknown', () => {
    const price = priceFor('openai', 'gpt-9');
    expect(costOf(price, usage, 'realtime')).toBeNull();
    expect(computeCost(price, usage, 'realtime')).toMatchObject({ priced: false, reason: 'unknown_model' });
  });

  it('returns null for flex where OpenAI does not offer it, and says why', () => {
    const gpt4o = priceFor('openai', 'gpt-4o');
    expect(costOf(gpt4o, usage, 'flex')).toBeNull();
    expect(computeCost(gpt4o, usage, 'flex')).toMatchObject({ priced: false, reason: 'lane_not_offered' });
    expect(explainUnpriced(gpt4o, usage, 'flex')).toBe(
      'openai does not offer the flex lane for gpt-4o, so there is no flex price',
    );
    expect(explainUnpriced(gpt4o, usage, 'realtime')).toBeUndefined();
  });

  it('returns null for flex on every Anthropic model', () => {
    expect(costOf(priceFor('anthropic', 'claude-haiku-4-5'), usage, 'flex')).toBeNull();
  });

  it('returns null when the usage has tokens the lane has no price for', () => {
    const result = computeCost(priceFor('openai', 'text-embedding-3-large'), usage, 'realtime');
    expect(result).toMatchObject({ priced: false, reason: 'missing_price' });
    expect(result.priced ? '' : result.message).toContain('realtime.output');
  });

  it('returns null above the long-context threshold it does not price, and prices the threshold itself', () => {
    const sonnet = priceFor('anthropic', 'claude-sonnet-4');
    expect(computeCost(sonnet, { inputTokens: 200_001, outputTokens: 0 }, 'batch')).toMatchObject({
      priced: false,
      reason: 'long_context',
    });
    // 200,000 × 1,500 nano-USD = 300,000,000 ($0.30).
    expect(costOf(sonnet, { inputTokens: 200_000, outputTokens: 0 }, 'batch')).toBe(300_000_000);
  });

  it('refuses usage that contradicts itself', () => {
    const gpt4o = priceFor('openai', 'gpt-4o');
    const cases = [
      { inputTokens: 10, cachedInputTokens: 11, outputTokens: 0 },
      { inputTokens: 10, cachedInputTokens: 6, cacheCreationInputTokens: 6, outputTokens: 0 },
      { inputTokens: 10, cacheCreationInputTokens: 2, cacheCreation1hInputTokens: 3, outputTokens: 0 },
      { inputTokens: -1, outputTokens: 0 },
      { inputTokens: 1.5, outputTokens: 0 },
    ];
    for (const bad of cases) {
      expect(computeCost(gpt4o, bad, 'realtime'), JSON.stringify(bad)).toMatchObject({
        priced: false,
        reason: 'invalid_usage',
      });
    }
  });
});
