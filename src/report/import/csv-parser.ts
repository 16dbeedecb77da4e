import { createReadStream } from 'node:fs';
import { fileSize } from './import-error.js';

/**
 * A streaming RFC 4180 CSV parser: fields separated by commas, records by CRLF or LF; a field
 * in double quotes may hold commas, line breaks and doubled quotes (`""` is one `"`). It works on
 * decoded text, so a UTF-8 character cut by a chunk boundary is never split (the stream's decoder
 * holds it back). Rows without any quote, the common case in exports, are cut with one native
 * `split`; only rows with quotes go through the character loop.
 */

const comma = 0x2c;
const quote = 0x22;
const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const byteOrderMark = 0xfeff;

export interface CsvRecord {
  /** 1-based line where the record starts (a quoted line break makes a record span lines). */
  line: number;
  fields: string[];
  /** Set when the record is malformed; `fields` then holds what could be read. */
  error?: string;
}

export interface CsvParserOptions {
  /** A record longer than this (an unterminated quote swallowing the file) stops the parse. */
  maxRecordChars?: number;
}

interface Parsed {
  fields: string[];
  next: number;
  lineBreaks: number;
  error?: string;
}

export class CsvParser {
  private buffer = '';
  private line = 1;
  private readonly maxRecordChars: number;
  private started = false;
  /** Once a record ran past the limit nothing more is parsed: where it ends cannot be known. */
  private stopped = false;

  constructor(options: CsvParserOptions = {}) {
    this.maxRecordChars = options.maxRecordChars ?? 16 * 1024 * 1024;
  }

  /** The records this chunk completes. */
  *push(chunk: string): Generator<CsvRecord> {
    if (this.stopped) return;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === byteOrderMark) chunk = chunk.slice(1);
    }
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    yield* this.drain(false);
  }

  /** The last record, when the text did not end with a line break. */
  *end(): Generator<CsvRecord> {
    if (this.stopped) return;
    yield* this.drain(true);
    this.buffer = '';
  }

  private *drain(final: boolean): Generator<CsvRecord> {
    const text = this.buffer;
    const length = text.length;
    let position = 0;
    // Where the next quote is, searched once per stretch rather than once per row.
    let nextQuote = -2;
    while (position < length) {
      const lineEnd = text.indexOf('\n', position);
      if (nextQuote !== -1 && nextQuote < position) nextQuote = text.indexOf('"', position);
      const quoted = nextQuote !== -1 && (lineEnd === -1 || nextQuote < lineEnd);
      if (!quoted) {
        if (lineEnd === -1 && !final) break;
        const stop = lineEnd === -1 ? length : lineEnd;
        const cut = stop > position && text.charCodeAt(stop - 1) === carriageReturn ? stop - 1 : stop;
        const record = { line: this.line, fields: text.slice(position, cut).split(',') };
        this.line += 1;
        position = lineEnd === -1 ? length : lineEnd + 1;
        if (!isBlank(record.fields)) yield record;
        continue;
      }
      const parsed = parseQuotedRecord(text, position, final);
      if (parsed === null) break;
      const record: CsvRecord = { line: this.line, fields: parsed.fields };
      if (parsed.error) record.error = parsed.error;
      this.line += parsed.lineBreaks;
      position = parsed.next;
      yield record;
    }
    this.buffer = position === 0 ? text : text.slice(position);
    if (!final && this.buffer.length > this.maxRecordChars) {
      this.stopped = true;
      yield {
        line: this.line,
        fields: [],
        error: `a record longer than ${this.maxRecordChars} characters: a quoted field is probably never closed; the rest of the file was not read`,
      };
    }
  }
}

function isBlank(fields: string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

/** One record from `start`, character by character; null when the text ends before it does. */
function parseQuotedRecord(text: string, start: number, final: boolean): Parsed | null {
  const length = text.length;
  const fields: string[] = [];
  let position = start;
  let lineBreaks = 0;
  let error: string | undefined;
  for (;;) {
    if (position >= length) {
      if (!final) return null;
      fields.push('');
      return finish(fields, position, lineBreaks, error);
    }
    if (text.charCodeAt(position) === quote) {
      let value = '';
      let from = position + 1;
      for (;;) {
        const closing = text.indexOf('"', from);
        if (closing === -1) {
          if (!final) return null;
          return {
            fields: [...fields, value + text.slice(from)],
            next: length,
            lineBreaks: lineBreaks + countLineBreaks(text, from, length),
            error: `field ${fields.length + 1}: the quoted field is never closed before the end of the file`,
          };
        }
        if (closing + 1 >= length && !final) return null;
        if (text.charCodeAt(closing + 1) === quote) {
          value += text.slice(from, closing + 1);
          from = closing + 2;
          continue;
        }
        value += text.slice(from, closing);
        lineBreaks += countLineBreaks(text, position, closing);
        position = closing + 1;
        break;
      }
      fields.push(value);
      // After a closing quote: a comma, a line break or the end; anything else is malformed.
      let code = position < length ? text.charCodeAt(position) : -1;
      if (code === carriageReturn) {
        if (position + 1 >= length && !final) return null;
        position += 1;
        code = position < length ? text.charCodeAt(position) : -1;
      }
      if (code === comma) {
        position += 1;
        continue;
      }
      if (code === lineFeed) return finish(fields, position + 1, lineBreaks + 1, error);
      if (code === -1) {
        if (!final) return null;
        return finish(fields, position, lineBreaks, error);
      }
      error ??= `field ${fields.length}: expected a comma or a line break after the closing quote, found '${text[position]}'`;
      // Keep reading to the next separator so that the following rows stay aligned.
      const rest = scanUnquoted(text, position);
      if (rest === -1 && !final) return null;
      const stop = rest === -1 ? length : rest;
      fields[fields.length - 1] += text.slice(position, stop);
      position = stop;
      if (position < length && text.charCodeAt(position) === comma) {
        position += 1;
        continue;
      }
      return finish(
        fields,
        position < length ? position + 1 : position,
        lineBreaks + (position < length ? 1 : 0),
        error,
      );
    }
    const stop = scanUnquoted(text, position);
    if (stop === -1 && !final) return null;
    const end = stop === -1 ? length : stop;
    const isLineEnd = end < length && text.charCodeAt(end) === lineFeed;
    const cut = isLineEnd && end > position && text.charCodeAt(end - 1) === carriageReturn ? end - 1 : end;
    fields.push(text.slice(position, cut));
    if (end < length && text.charCodeAt(end) === comma) {
      position = end + 1;
      continue;
    }
    return finish(fields, end < length ? end + 1 : end, lineBreaks + (end < length ? 1 : 0), error);
  }
}

function finish(fields: string[], next: number, lineBreaks: number, error: string | undefined): Parsed {
  return error ? { fields, next, lineBreaks, error } : { fields, next, lineBreaks };
}

/** Index of the next comma or line feed from `from`, or -1. */
function scanUnquoted(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === comma || code === lineFeed) return index;
  }
  return -1;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  let index = text.indexOf('\n', from);
  while (index !== -1 && index < to) {
    count += 1;
    index = text.indexOf('\n', index + 1);
  }
  return count;
}

/** Every record of a CSV file, streamed; the header is the first record. */
export async function* readCsvFile(path: string, options: CsvParserOptions = {}): AsyncGenerator<CsvRecord> {
  await fileSize(path);
  const parser = new CsvParser(options);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) yield* parser.push(chunk as string);
  yield* parser.end();
}
