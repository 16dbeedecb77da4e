/**
 * `npm run schema`: regenerates schema/spendwall.schema.json from the zod schema (the script then
 * lets the formatter lay it out). Run it after changing src/policy/schema.ts;
 * `json-schema.test.ts` fails until the committed file matches.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { jsonSchemaPath, policyJsonSchema } from './json-schema.js';

await mkdir(dirname(jsonSchemaPath), { recursive: true });
await writeFile(jsonSchemaPath, policyJsonSchema());
console.log(`wrote ${jsonSchemaPath}`);
