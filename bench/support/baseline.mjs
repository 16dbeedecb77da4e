// The baseline a batch benchmark is measured against: stream the same JSONL file, parse every
// line, stringify it again and write it out. Any runner must at least do this much work.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [input, output] = process.argv.slice(2);
const out = createWriteStream(output);
for await (const line of createInterface({
  input: createReadStream(input),
  crlfDelay: Number.POSITIVE_INFINITY,
})) {
  if (!line) continue;
  if (!out.write(`${JSON.stringify(JSON.parse(line))}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
