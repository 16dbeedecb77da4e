import { describe, expect, it } from 'vitest';
import { anthropicModels } from '../emulator/anthropic/models-catalog.js';
import { openAIModels } from '../emulator/openai/models-catalog.js';
import { catalog } from './catalog/index.js';
import { offersLane } from './cost.js';
import { priceFor } from './price-book.js';
import { catalogEntrySchema } from './schema.js';
import type { LanePrice } from './types.js';

/** Exact integer pico-USD per token, so halves are compared without floating-point noise. */
const pico = (usdPerMillionTokens: number) => Math.round(usdPerMillionTokens * 1_000_000);

const priceFields: (keyof LanePrice)[] = ['input', 'cachedInput', 'cacheWrite', 'cacheWrite1h', 'output'];

describe('the catalog', () => {
  it('holds only well-formed, dated entries with an https source', () => {
    for (const entry of catalog) {
      const checked = catalogEntrySchema.safeParse(entry);
      expect(checked.error?.issues ?? [], `${entry.provider}/${entry.model}`).toEqual([]);
    }
  });

  it('files every id once per provider', () => {
    const seen = new Set<string>();
    for (const entry of catalog) {
      for (const id of [entry.model, ...(entry.aliases ?? [])]) {
        const key = `${entry.provider}/${id}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });

  it('covers every model the emulator serves, with flex exactly where the emulator offers it', () => {
    for (const model of openAIModels) {
      const price = priceFor('openai', model.id);
      expect(price, model.id).toBeDefined();
      expect(offersLane(price, 'flex'), `${model.id} flex`).toBe(model.flex);
      expect(offersLane(price, 'batch'), `${model.id} batch`).toBe(true);
    }
    for (const model of anthropicModels) {
      const price = priceFor('anthropic', model.id);
      expect(price, model.id).toBeDefined();
      expect(offersLane(price, 'flex'), `${model.id} flex`).toBe(false);
      expect(offersLane(price, 'batch'), `${model.id} batch`).toBe(true);
    }
  });

  // Both providers document batch as half the standard price; Anthropic applies it to all usage,
  // cache reads and writes included. OpenAI's batch table omits cached input for most models.
  it('prices batch at exactly 50% of realtime for every figure the batch lane lists', () => {
    for (const entry of catalog) {
      expect(entry.batch, entry.model).toBeDefined();
      for (const field of priceFields) {
        const batch = entry.batch?.[field];
        const realtime = entry.realtime[field];
        if (batch === undefined) continue;
        expect(realtime, `${entry.model} realtime.${field}`).toBeDefined();
        expect(pico(batch) * 2, `${entry.model} batch.${field}`).toBe(pico(realtime ?? Number.NaN));
      }
    }
  });

  // Their model pages say "Batch API: 50% discount on input and output"; the older models' batch
  // figures follow the batch-processing page's rule. Either way, half of every figure.
  it('prices the current Anthropic models in a batch at exactly half of every realtime figure', () => {
    const current = [
      'claude-fable-5-1',
      'claude-fable-5',
      'claude-opus-5-5',
      'claude-opus-5',
      'claude-opus-4-8',
      'claude-opus-4-7',
      'claude-opus-4-6',
      'claude-opus-4-5',
      'claude-sonnet-5',
      'claude-sonnet-4-6',
    ];
    for (const id of current) {
      const price = priceFor('anthropic', id);
      expect(price?.asOf, id).toBe('2026-11-27');
      expect(
        price?.notes?.some((note) => note.includes('derived')),
        id,
      ).toBe(true);
      for (const field of priceFields) {
        const realtime = price?.realtime[field];
        expect(realtime, `${id} realtime.${field}`).toBeDefined();
        expect(pico(price?.batch?.[field] ?? Number.NaN) * 2, `${id} batch.${field}`).toBe(
          pico(realtime ?? Number.NaN),
        );
      }
    }
  });

  it('lists cache-write prices for every Anthropic lane, as the batch discount stacks with caching', () => {
    for (const entry of catalog.filter((candidate) => candidate.provider === 'anthropic')) {
      for (const lane of [entry.realtime, entry.batch]) {
        expect(lane?.cachedInput, entry.model).toBeDefined();
        expect(lane?.cacheWrite, entry.model).toBeDefined();
        expect(lane?.cacheWrite1h, entry.model).toBeDefined();
      }
    }
  });

  // OpenAI's flex guide: "Tokens are priced at Batch API rates, with additional discounts from
  // prompt caching". The cached rate is the standard cached rate halved, to the cent's tenth
  // the page prints (o4-mini's $0.138 for $0.1375).
  it('prices flex at batch rates, with the cached rate half the standard cached rate', () => {
    const flexEntries = catalog.filter((entry) => entry.flex);
    expect(flexEntries.map((entry) => entry.model).sort()).toEqual([
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
      'o3',
      'o4-mini',
    ]);
    for (const entry of flexEntries) {
      expect(entry.flex?.input, entry.model).toBe(entry.batch?.input);
      expect(entry.flex?.output, entry.model).toBe(entry.batch?.output);
      const halfCached = (entry.realtime.cachedInput ?? Number.NaN) / 2;
      expect(Math.abs((entry.flex?.cachedInput ?? Number.NaN) - halfCached), entry.model).toBeLessThan(0.001);
    }
  });

  it('has no output price for embedding models, which bill input only', () => {
    for (const model of openAIModels.filter((candidate) => candidate.kind === 'embedding')) {
      const price = priceFor('openai', model.id);
      expect(price?.realtime.output, model.id).toBeUndefined();
      expect(price?.batch?.output, model.id).toBeUndefined();
    }
  });
});
