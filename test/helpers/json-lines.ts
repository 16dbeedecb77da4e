import { readFileSync } from 'node:fs';

/** The objects of a JSONL file the engine wrote (results, rejects), in file order. */
export function readJsonLines<Line>(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((text) => text !== '')
    .map((text) => JSON.parse(text) as Line);
}
