import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { createPriceBook } from './price-book.js';
import {
  fieldPath,
  laneFieldNames,
  modelOverrideFieldNames,
  type PriceOverrides,
  priceOverridesSchema,
} from './schema.js';

/**
 * Reads the `prices` section of a configuration: `{ [provider]: { [model]: partial prices } }`.
 * Every problem is reported at once, each with the field it is about
 * (`prices.openai.gpt-4o.batch.input: must not be negative`), and the overrides are applied to
 * the catalog once so that what only the catalog can tell (a new model without an input price)
 * fails here, at load, rather than at the first request.
 */
export function parsePriceOverrides(input: unknown, place = 'prices'): PriceOverrides {
  const parsed = priceOverridesSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, place));
    throw new ConfigError(
      `invalid price overrides (prices are USD per million tokens):\n  ${problems.join('\n  ')}`,
      { place },
    );
  }
  createPriceBook(parsed.data, { place });
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue, place: string): string[] {
  if (issue.code === 'unrecognized_keys') {
    // Depth 2 is a model's own fields; depth 3 is inside a lane.
    const known = issue.path.length >= 3 ? laneFieldNames : modelOverrideFieldNames;
    return issue.keys.map(
      (key) =>
        `${fieldPath(place, [...issue.path, key])}: unknown field (expected one of ${known.join(', ')})`,
    );
  }
  return [`${fieldPath(place, issue.path)}: ${issue.message}`];
}
