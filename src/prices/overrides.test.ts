import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { costOf, offersLane } from './cost.js';
import { parsePriceOverrides } from './overrides.js';
import { priceFor } from './price-book.js';

/** The message of the ConfigError `parsePriceOverrides` throws for `input`. */
function problemWith(input: unknown): string {
  try {
    parsePriceOverrides(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('invalid_config');
    return (error as ConfigError).message;
  }
  throw new Error('expected the overrides to be rejected');
}

describe('parsePriceOverrides: bad input names the field', () => {
  it('rejects a negative price', () => {
    expect(problemWith({ openai: { 'gpt-4o': { batch: { input: -1 } } } })).toContain(
      'prices.openai.gpt-4o.batch.input: must not be negative',
    );
  });

  it('rejects a price given as text', () => {
    expect(problemWith({ openai: { 'gpt-4o': { realtime: { input: '2.50' } } } })).toMatch(
      /prices\.openai\.gpt-4o\.realtime\.input: .*expected number/,
    );
  });

  it('rejects a misspelt field and says which fields exist', () => {
    const message = problemWith({ openai: { 'gpt-4o': { realtime: { inptu: 2.5 } } } });
    expect(message).toContain('prices.openai.gpt-4o.realtime.inptu: unknown field');
    expect(message).toContain('input, cachedInput, cacheWrite, cacheWrite1h, output');
    expect(problemWith({ openai: { 'gpt-4o': { realtme: {} } } })).toContain(
      'prices.openai.gpt-4o.realtme: unknown field (expected one of realtime, batch, flex',
    );
  });

  it('quotes model ids with dots so the path stays readable', () => {
    expect(problemWith({ openai: { 'gpt-4.1': { realtime: { output: -8 } } } })).toContain(
      'prices.openai["gpt-4.1"].realtime.output: must not be negative',
    );
  });

  it('rejects prices finer than six decimals (per-token prices typed by mistake)', () => {
    expect(problemWith({ openai: { 'gpt-4o': { realtime: { input: 0.0000025 } } } })).toContain(
      'prices.openai.gpt-4o.realtime.input: must have at most 6 decimal places',
    );
  });

  it('reports every problem at once', () => {
    const message = problemWith({
      openai: { 'gpt-4o': { realtime: { input: -1 }, batch: { output: 'x' } } },
      anthropic: { 'claude-sonnet-4-5': { asOf: 'last week' } },
    });
    expect(message).toContain('prices.openai.gpt-4o.realtime.input');
    expect(message).toContain('prices.openai.gpt-4o.batch.output');
    expect(message).toContain('prices.anthropic.claude-sonnet-4-5.asOf');
  });

  it('requires input prices for a model the catalog does not hold', () => {
    expect(problemWith({ acme: { 'acme-1': { realtime: { output: 2 } } } })).toContain(
      'prices.acme.acme-1.realtime.input: required',
    );
    expect(problemWith({ openai: { 'gpt-9': { batch: { input: 1 } } } })).toContain(
      'prices.openai.gpt-9.realtime: gpt-9 is not in the price catalog',
    );
    expect(problemWith({ openai: { 'gpt-4o': { flex: { output: 5 } } } })).toContain(
      'prices.openai.gpt-4o.flex.input: required',
    );
  });

  it('uses the place it is given', () => {
    expect(() => parsePriceOverrides({ openai: [] }, 'spendwall.yaml prices')).toThrow(
      /spendwall\.yaml prices\.openai/,
    );
  });
});

describe('parsePriceOverrides: good input changes prices', () => {
  it('accepts nothing at all', () => {
    expect(parsePriceOverrides(undefined)).toEqual({});
  });

  it('changes only the figures it names, for the family and its snapshots', () => {
    const overrides = parsePriceOverrides({
      openai: { 'gpt-4o': { batch: { input: 1 }, source: 'https://example.com/our-contract' } },
    });
    const price = priceFor('openai', 'gpt-4o-2024-08-06', overrides);
    expect(price?.batch).toEqual({ input: 1, output: 5 });
    expect(price?.realtime).toEqual({ input: 2.5, cachedInput: 1.25, output: 10 });
    expect(price?.origin).toBe('override');
    expect(price?.source).toBe('https://example.com/our-contract');
    // The catalog's date vouched for the catalog's figures, not for these.
    expect(price?.asOf).toBeUndefined();
    expect(price?.notes?.at(-1)).toBe('Overridden in configuration: batch.input.');
    // The catalog itself is untouched.
    expect(priceFor('openai', 'gpt-4o')?.batch?.input).toBe(1.25);
  });

  it('changes every alias of a model with it', () => {
    const overrides = parsePriceOverrides({
      anthropic: { 'claude-sonnet-4-0': { realtime: { output: 14 } } },
    });
    expect(priceFor('anthropic', 'claude-sonnet-4', overrides)?.realtime.output).toBe(14);
    expect(priceFor('anthropic', 'claude-sonnet-4-20250514', overrides)?.realtime.output).toBe(14);
  });

  it('prices one snapshot apart from its family, on top of the family override', () => {
    const overrides = parsePriceOverrides({
      openai: {
        'gpt-4o-2024-11-20': { realtime: { output: 9 } },
        'gpt-4o': { realtime: { input: 2 } },
      },
    });
    expect(priceFor('openai', 'gpt-4o-2024-11-20', overrides)?.realtime).toEqual({
      input: 2,
      cachedInput: 1.25,
      output: 9,
    });
    expect(priceFor('openai', 'gpt-4o-2024-08-06', overrides)?.realtime.output).toBe(10);
  });

  it("keeps the family override's source and date on a snapshot override built on it", () => {
    const overrides = parsePriceOverrides({
      openai: {
        'gpt-4o': { realtime: { input: 2 }, source: 'https://example.com/contract', asOf: '2026-10-01' },
        'gpt-4o-2024-11-20': { realtime: { output: 9 } },
      },
    });
    const snapshot = priceFor('openai', 'gpt-4o-2024-11-20', overrides);
    expect(snapshot?.source).toBe('https://example.com/contract');
    expect(snapshot?.asOf).toBe('2026-10-01');
  });

  it('adds a model and a provider the catalog does not know', () => {
    const overrides = parsePriceOverrides({
      'azure-openai': { 'my-gpt-4o': { realtime: { input: 2.75, output: 11 }, asOf: '2026-11-01' } },
    });
    const price = priceFor('azure-openai', 'my-gpt-4o', overrides);
    expect(price?.asOf).toBe('2026-11-01');
    expect(offersLane(price, 'batch')).toBe(false);
    // 1,000 input × 2,750 nano-USD + 100 output × 11,000 nano-USD = 2,750,000 + 1,100,000.
    expect(costOf(price, { inputTokens: 1000, outputTokens: 100 }, 'realtime')).toBe(3_850_000);
  });

  it('adds or removes lanes', () => {
    const overrides = parsePriceOverrides({
      openai: { 'gpt-4o': { flex: { input: 1.25, output: 5 } }, o3: { flex: null } },
    });
    expect(offersLane(priceFor('openai', 'gpt-4o', overrides), 'flex')).toBe(true);
    expect(offersLane(priceFor('openai', 'o3', overrides), 'flex')).toBe(false);
    expect(offersLane(priceFor('openai', 'o3'), 'flex')).toBe(true);
  });

  it('can lift the long-context limit once the user prices it', () => {
    const overrides = parsePriceOverrides({
      anthropic: { 'claude-sonnet-4-5': { longContextAboveInputTokens: null } },
    });
    const usage = { inputTokens: 300_000, outputTokens: 0 };
    expect(costOf(priceFor('anthropic', 'claude-sonnet-4-5'), usage, 'realtime')).toBeNull();
    expect(costOf(priceFor('anthropic', 'claude-sonnet-4-5', overrides), usage, 'realtime')).toBe(
      900_000_000,
    );
  });
});
