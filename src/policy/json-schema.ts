import { z } from 'zod';
import { policyFileSchema } from './schema.js';

/** Where the editor schema is committed, relative to the repository root. */
export const jsonSchemaPath = 'schema/spendwall.schema.json';

/**
 * The JSON Schema of `spendwall.yaml`, generated from the zod schema so the two cannot drift
 * (a test compares it with the committed file). Editors with the YAML language server pick it up
 * from the `# yaml-language-server: $schema=…` line at the top of the file. Checks written as code
 * (the interactive hard rule, durations above zero) are not in it: `spendwall policy check` has
 * the last word.
 */
export function policyJsonSchema(): string {
  const schema = z.toJSONSchema(policyFileSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
