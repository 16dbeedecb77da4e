import { z } from 'zod';

/**
 * Zod schemas for prices: the catalog (checked by a test, since it ships as typed code) and the
 * overrides users write in configuration (checked at load, errors naming the field).
 */

/** Decimal places of a number as written (`0.0625` → 4, `1e-7` → 7). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent] = String(value).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/**
 * USD per million tokens. Six decimal places make a price an integer number of pico-USD per
 * token, which is what lets cost arithmetic be exact; no provider publishes finer prices.
 */
export const priceSchema = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((value) => value >= 0, 'must not be negative')
  .refine(
    (value) => decimalPlaces(value) <= 6,
    'must have at most 6 decimal places (prices are USD per million tokens)',
  );

const lanePriceFields = {
  input: priceSchema,
  cachedInput: priceSchema.optional(),
  cacheWrite: priceSchema.optional(),
  cacheWrite1h: priceSchema.optional(),
  output: priceSchema.optional(),
};

export const lanePriceSchema = z.strictObject(lanePriceFields);

/** What a catalog entry must look like; `catalog.test.ts` holds every shipped entry to it. */
export const catalogEntrySchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  aliases: z.array(z.string().min(1)).optional(),
  asOf: z.iso.date(),
  source: z.url({ protocol: /^https$/ }),
  notes: z.array(z.string().min(1)).optional(),
  longContextAboveInputTokens: z.number().int().positive().optional(),
  realtime: lanePriceSchema,
  batch: lanePriceSchema.optional(),
  flex: lanePriceSchema.optional(),
});

/** In an override every figure is optional: it changes only what it names. */
export const laneOverrideSchema = z.strictObject({
  input: priceSchema.optional(),
  cachedInput: priceSchema.optional(),
  cacheWrite: priceSchema.optional(),
  cacheWrite1h: priceSchema.optional(),
  output: priceSchema.optional(),
});

export const modelOverrideSchema = z.strictObject({
  realtime: laneOverrideSchema.optional(),
  /** `null` says the model has no batch lane, whatever the catalog says. */
  batch: laneOverrideSchema.nullable().optional(),
  /** `null` says the model has no flex lane, whatever the catalog says. */
  flex: laneOverrideSchema.nullable().optional(),
  asOf: z.iso.date().optional(),
  source: z.string().min(1).optional(),
  /** `null` removes the catalog's long-context limit (say, once you price it yourself). */
  longContextAboveInputTokens: z.number().int().positive().nullable().optional(),
});

/** `{ [provider]: { [model]: partial prices } }`, e.g. `{ openai: { 'gpt-4o': { batch: { input: 1.2 } } } }`. */
export const priceOverridesSchema = z.record(
  z.string().min(1),
  z.record(z.string().min(1), modelOverrideSchema),
);

export type LaneOverride = z.output<typeof laneOverrideSchema>;
export type ModelOverride = z.output<typeof modelOverrideSchema>;
export type PriceOverrides = z.output<typeof priceOverridesSchema>;

export const laneFieldNames = Object.keys(lanePriceFields);
export const modelOverrideFieldNames = Object.keys(modelOverrideSchema.shape);

/**
 * A field's place as a user would look for it: `prices.openai["gpt-4.1"].batch.input`. Keys
 * with dots are quoted, because model ids such as `gpt-4.1` would otherwise read as two levels.
 */
export function fieldPath(place: string, path: readonly PropertyKey[]): string {
  let text = place;
  for (const segment of path) {
    const key = String(segment);
    text += /^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return text;
}
