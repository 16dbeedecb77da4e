import { ConfigError } from '../core/errors.js';
import { catalog } from './catalog/index.js';
import { fieldPath, type LaneOverride, type ModelOverride, type PriceOverrides } from './schema.js';
import type { CatalogEntry, Lane, LanePrice, ModelPrice, ProviderName } from './types.js';

/** The catalog with a user's overrides applied, answering "what does this model cost?". */
export interface PriceBook {
  /** The price of `model`, or `undefined` when neither the catalog nor the overrides know it. */
  priceFor(provider: ProviderName, model: string): ModelPrice | undefined;
  /** Every entry once, for listings such as `docs/prices.md` or a summary's footnote. */
  entries(): readonly ModelPrice[];
}

/**
 * Dated snapshot and alias suffixes the providers add to a family id: OpenAI's
 * `gpt-4o-2024-08-06`, Anthropic's `claude-sonnet-4-5-20250929` and `claude-3-5-haiku-latest`.
 * A snapshot priced differently from its family (gpt-4o-2024-05-13) has its own entry, and an
 * exact entry always wins over the family.
 */
const snapshotSuffix = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

type Table = Map<string, ModelPrice>;

function resolve(table: Table, model: string): ModelPrice | undefined {
  const exact = table.get(model);
  if (exact) return exact;
  const family = model.replace(snapshotSuffix, '');
  return family === model ? undefined : table.get(family);
}

export interface PriceBookOptions {
  /** Where the overrides came from, for error messages: `spendwall.yaml prices`. */
  place?: string;
  /** The entries to start from; tests pass their own. */
  catalog?: readonly CatalogEntry[];
}

/**
 * Builds a price book. Overrides must already have the shape `priceOverridesSchema` checks
 * (`parsePriceOverrides` does both steps); what only the catalog can tell, such as a brand-new
 * model without an input price, is checked here and raised as a `ConfigError` naming the field.
 */
export function createPriceBook(overrides: PriceOverrides = {}, options: PriceBookOptions = {}): PriceBook {
  const place = options.place ?? 'prices';
  const tables = new Map<string, Table>();
  const tableOf = (provider: string): Table => {
    let table = tables.get(provider);
    if (!table) {
      table = new Map();
      tables.set(provider, table);
    }
    return table;
  };

  for (const entry of options.catalog ?? catalog) {
    const price: ModelPrice = { ...entry, origin: 'catalog' };
    const table = tableOf(entry.provider);
    for (const id of [entry.model, ...(entry.aliases ?? [])]) table.set(id, price);
  }

  for (const [provider, models] of Object.entries(overrides)) {
    const table = tableOf(provider);
    // Overrides of catalog ids first, so that an override of a dated snapshot builds on the
    // overridden family rather than on the catalog's figures.
    const ordered = Object.entries(models).sort(
      ([left], [right]) => Number(!table.has(left)) - Number(!table.has(right)),
    );
    for (const [model, override] of ordered) {
      const base = resolve(table, model);
      const sharesEntry = base !== undefined && table.get(model) === base;
      const merged = applyOverride(base, override, {
        provider,
        model: sharesEntry ? base.model : model,
        where: (...path) => fieldPath(place, [provider, model, ...path]),
      });
      if (sharesEntry) {
        // The id is the entry's own or one of its aliases: every id of that model gets the change.
        for (const [id, price] of table) if (price === base) table.set(id, merged);
      } else {
        table.set(model, merged);
      }
    }
  }

  return {
    priceFor(provider, model) {
      const table = tables.get(provider);
      return table ? resolve(table, model) : undefined;
    },
    entries() {
      return [...tables.values()].flatMap((table) => [...new Set(table.values())]);
    },
  };
}

interface OverrideContext {
  provider: string;
  model: string;
  where: (...path: string[]) => string;
}

function applyOverride(
  base: ModelPrice | undefined,
  override: ModelOverride,
  context: OverrideContext,
): ModelPrice {
  const changed: string[] = [];
  const lane = (name: Lane): LanePrice | undefined => {
    const given = override[name];
    if (given === null) {
      changed.push(`${name} removed`);
      return undefined;
    }
    if (given === undefined) return base?.[name];
    changed.push(...Object.keys(definedFields(given)).map((field) => `${name}.${field}`));
    return mergeLane(base?.[name], given, name, context);
  };

  const realtime = lane('realtime');
  if (!realtime) {
    throw new ConfigError(
      `${context.model} is not in the price catalog, so its realtime prices must be given (at least input)`,
      { place: context.where('realtime') },
    );
  }
  const batch = lane('batch');
  const flex = lane('flex');
  const longContext =
    override.longContextAboveInputTokens === undefined
      ? base?.longContextAboveInputTokens
      : (override.longContextAboveInputTokens ?? undefined);

  return {
    provider: context.provider,
    model: context.model,
    ...(base?.aliases && context.model === base.model ? { aliases: base.aliases } : {}),
    // The catalog's page and date no longer vouch for figures the user changed; a family
    // override's own source and date do, for a snapshot override built on it.
    asOf: override.asOf ?? (base?.origin === 'override' ? base.asOf : undefined),
    source:
      override.source ?? (base?.origin === 'override' ? base.source : 'price override in configuration'),
    notes: [
      ...(base?.notes ?? []),
      base
        ? `Overridden in configuration: ${changed.join(', ') || 'dates and source only'}.`
        : 'Added in configuration; not in the catalog.',
    ],
    ...(longContext === undefined ? {} : { longContextAboveInputTokens: longContext }),
    realtime,
    ...(batch ? { batch } : {}),
    ...(flex ? { flex } : {}),
    origin: 'override',
  };
}

function mergeLane(
  base: LanePrice | undefined,
  given: LaneOverride,
  lane: Lane,
  context: OverrideContext,
): LanePrice {
  const merged = { ...base, ...definedFields(given) };
  if (merged.input === undefined) {
    throw new ConfigError(
      `required: ${context.model} has no ${lane} price in the catalog to start from, so input must be given`,
      { place: context.where(lane, 'input') },
    );
  }
  return { ...merged, input: merged.input };
}

function definedFields(lane: LaneOverride): Partial<LanePrice> {
  return Object.fromEntries(Object.entries(lane).filter(([, value]) => value !== undefined));
}

const defaultBook = createPriceBook();
const booksByOverrides = new WeakMap<PriceOverrides, PriceBook>();

/**
 * The price of a provider's model, resolving dated snapshots and aliases, or `undefined` for a
 * model nobody priced (which costs `null`, never zero). Pass overrides from
 * `parsePriceOverrides`; the book built from them is kept for the next call with the same object.
 */
export function priceFor(
  provider: ProviderName,
  model: string,
  overrides?: PriceOverrides,
): ModelPrice | undefined {
  if (!overrides) return defaultBook.priceFor(provider, model);
  let book = booksByOverrides.get(overrides);
  if (!book) {
    book = createPriceBook(overrides);
    booksByOverrides.set(overrides, book);
  }
  return book.priceFor(provider, model);
}
