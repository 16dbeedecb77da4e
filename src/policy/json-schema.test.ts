import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jsonSchemaPath, policyJsonSchema } from './json-schema.js';

describe('schema/spendwall.schema.json', () => {
  it('is the one the zod schema generates (run `npm run schema` after changing src/policy/schema.ts)', () => {
    // Compared as data: the committed file is laid out by the formatter, not by JSON.stringify.
    const committed: unknown = JSON.parse(readFileSync(jsonSchemaPath, 'utf8'));
    const generated: unknown = JSON.parse(policyJsonSchema());
    expect(
      isDeepStrictEqual(committed, generated),
      `${jsonSchemaPath} is out of date: run \`npm run schema\` and commit the result`,
    ).toBe(true);
  });

  it('refuses unknown keys and literal secrets for editors too', () => {
    const schema = JSON.parse(policyJsonSchema()) as {
      additionalProperties: boolean;
      properties: Record<string, { additionalProperties: { properties: Record<string, { type: string }> } }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['providers']?.additionalProperties.properties['apiKey']?.type).toBe('object');
  });
});
