// The baseline of bench/report.ts: the least any importer must do with the same file, streamed.
// csv: split into lines and fields (quote-aware, as the metadata column holds JSON with commas);
// json: JSON.parse every line. Prints the row count so the bench can check it read everything.
import { createReadStream } from 'node:fs';

const [mode, path] = process.argv.slice(2);
let rows = 0;
let fields = 0;
let rest = '';

function csvFields(line) {
  if (!line.includes('"')) return line.split(',');
  const out = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (quoted) {
      if (character === '"') {
        if (line[index + 1] === '"') {
          field += '"';
          index++;
        } else quoted = false;
      } else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      out.push(field);
      field = '';
    } else field += character;
  }
  out.push(field);
  return out;
}

function line(text) {
  if (text === '') return;
  if (mode === 'csv') fields += csvFields(text).length;
  else fields += Object.keys(JSON.parse(text)).length;
  rows++;
}

for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  const lines = (rest + chunk).split('\n');
  rest = lines.pop();
  for (const text of lines) line(text);
}
line(rest);
console.log(JSON.stringify({ rows, fields }));
