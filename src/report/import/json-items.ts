import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LineSplitter, type RawLine } from '../../batch/input/line-splitter.js';
import type { ImportIssue } from '../usage-record.js';
import { fileSize, ImportError } from './import-error.js';

/**
 * The JSON values of a file that is either JSON Lines (one value per line: an API page, an OTLP
 * export request) or one JSON document (a page, or an array of pages). JSON Lines is streamed
 * line by line in bounded memory; a single document has to be parsed whole, so it is accepted up
 * to `maxDocumentBytes` and a larger one is refused with the command that turns it into JSON Lines.
 * A top-level array is split into its elements, each its own item.
 */

export interface JsonItem {
  value: unknown;
  /** `line 3` in JSON Lines; empty for a single document. */
  base: string;
  /** `[2]` for an element of a top-level array; empty otherwise. */
  prefix: string;
}

/** The position of `path` inside an item: `line 3, data[0].results[1]` or `[2].data[0]`. */
export function positionIn(item: JsonItem, path: string): string {
  const inner = item.prefix && path ? `${item.prefix}.${path}` : item.prefix || path;
  return item.base && inner ? `${item.base}, ${inner}` : item.base || inner;
}

export interface JsonItemsOptions {
  onIssue(issue: ImportIssue): void;
  /** Default 256 MiB: the largest single document, and the longest JSON line, read. */
  maxDocumentBytes?: number;
}

export const defaultMaxDocumentBytes = 256 * 1024 * 1024;

export async function* readJsonItems(path: string, options: JsonItemsOptions): AsyncGenerator<JsonItem> {
  const maxBytes = options.maxDocumentBytes ?? defaultMaxDocumentBytes;
  const size = await fileSize(path);
  const lines = nonBlankLines(path, maxBytes);
  // JSON Lines when the first or second line is a whole JSON value (the first may be the broken
  // one); a pretty-printed document's first two lines never are.
  let held: RawLine | undefined;
  let mode: 'unknown' | 'lines' | 'document' = 'unknown';
  try {
    for await (const line of lines) {
      if (mode === 'unknown') {
        if (isJson(line.text)) mode = 'lines';
        else if (held === undefined) {
          held = line;
          continue;
        } else {
          mode = 'document';
          break;
        }
      }
      if (held) {
        yield* itemsOfLine(held, path, options);
        held = undefined;
      }
      yield* itemsOfLine(line, path, options);
    }
  } finally {
    await lines.return(undefined);
  }
  if (mode === 'unknown' && held) mode = 'document';
  if (mode === 'document') yield* documentItems(path, size, maxBytes);
}

async function* nonBlankLines(path: string, maxBytes: number): AsyncGenerator<RawLine> {
  const splitter = new LineSplitter({ startOffset: 0, startLine: 1, maxLineBytes: maxBytes });
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      for (const line of splitter.push(chunk as Buffer)) if (!isBlank(line)) yield line;
    }
    for (const line of splitter.end()) if (!isBlank(line)) yield line;
  } finally {
    stream.destroy();
  }
}

function isBlank(line: RawLine): boolean {
  const text = line.text;
  // Only a line that starts with whitespace can be blank: a long JSON line is not copied by trim().
  return text !== null && (text.length === 0 || (text.charCodeAt(0) <= 0x20 && text.trim() === ''));
}

function isJson(text: string | null): boolean {
  if (text === null) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function* itemsOfLine(line: RawLine, path: string, options: JsonItemsOptions): Generator<JsonItem> {
  const { text, isValidUtf8 } = line;
  const base = `line ${line.line}`;
  if (text === null) {
    options.onIssue({ path, position: base, message: 'the line is longer than the limit and was skipped' });
    return;
  }
  if (!isValidUtf8) {
    options.onIssue({ path, position: base, message: 'the line is not valid UTF-8' });
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    options.onIssue({ path, position: base, message: `not JSON: ${(error as Error).message}` });
    return;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      yield { value: value[index], base, prefix: `[${index}]` };
  } else {
    yield { value, base, prefix: '' };
  }
}

async function* documentItems(path: string, size: number, maxBytes: number): AsyncGenerator<JsonItem> {
  if (size > maxBytes) {
    throw new ImportError(
      `the file is one JSON document of ${size} bytes, more than the ${maxBytes} read whole; ` +
        "write it as JSON Lines, one value per line (for example `jq -c '.[]' FILE` or `jq -c . FILE`)",
      { place: path },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ImportError(`neither JSON Lines nor one JSON document: ${(error as Error).message}`, {
      place: path,
      cause: error,
    });
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      yield { value: value[index], base: '', prefix: `[${index}]` };
  } else {
    yield { value, base: '', prefix: '' };
  }
}
