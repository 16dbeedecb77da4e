import { describe, expect, it } from 'vitest';
import { LineSplitter, type RawLine } from './line-splitter.js';

function split(
  chunks: Array<string | Buffer>,
  maxLineBytes = 1024,
  startOffset = 0,
  startLine = 1,
): RawLine[] {
  const splitter = new LineSplitter({ startOffset, startLine, maxLineBytes });
  const lines: RawLine[] = [];
  for (const chunk of chunks)
    lines.push(...splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  lines.push(...splitter.end());
  return lines;
}

/** Every byte in its own chunk: the harshest split a stream can produce. */
function byteByByte(text: string): Buffer[] {
  return [...Buffer.from(text)].map((byte) => Buffer.from([byte]));
}

describe('LineSplitter', () => {
  it('splits on newlines with byte offsets and 1-based line numbers', () => {
    const lines = split(['{"a":1}\n{"b":2}\n']);
    expect(lines).toEqual([
      { line: 1, startOffset: 0, endOffset: 8, text: '{"a":1}', byteLength: 7, isValidUtf8: true },
      { line: 2, startOffset: 8, endOffset: 16, text: '{"b":2}', byteLength: 7, isValidUtf8: true },
    ]);
  });

  it('yields no extra line for a trailing newline, and the last line when there is none', () => {
    expect(split(['a\nb\n']).map((line) => line.text)).toEqual(['a', 'b']);
    const lines = split(['a\nb']);
    expect(lines.map((line) => line.text)).toEqual(['a', 'b']);
    expect(lines[1]).toMatchObject({ startOffset: 2, endOffset: 3 });
  });

  it('drops the \\r of CRLF endings from the text but not from the offsets', () => {
    const lines = split(['one\r\ntwo\r\n']);
    expect(lines.map((line) => [line.text, line.byteLength, line.endOffset])).toEqual([
      ['one', 3, 5],
      ['two', 3, 10],
    ]);
  });

  it('drops a \\r that arrived in the chunk before its \\n', () => {
    expect(split(['one\r', '\ntwo']).map((line) => line.text)).toEqual(['one', 'two']);
  });

  it('decodes multi-byte characters cut across chunk boundaries', () => {
    const text = '{"q":"héllo wörld — 日本語 🎉"}\n{"q":"ß"}\n';
    const lines = split(byteByByte(text));
    expect(lines.map((line) => line.text)).toEqual(['{"q":"héllo wörld — 日本語 🎉"}', '{"q":"ß"}']);
    expect(lines[1]!.startOffset).toBe(Buffer.byteLength('{"q":"héllo wörld — 日本語 🎉"}\n'));
    expect(lines.every((line) => line.isValidUtf8)).toBe(true);
  });

  it('skips a line longer than the limit, reports its size, and keeps the following lines', () => {
    const long = 'x'.repeat(100);
    for (const chunks of [[`ok\n${long}\nafter\n`], byteByByte(`ok\n${long}\nafter\n`)]) {
      const lines = split(chunks, 10);
      expect(lines.map((line) => [line.text, line.byteLength])).toEqual([
        ['ok', 2],
        [null, 100],
        ['after', 5],
      ]);
      expect(lines[2]).toMatchObject({ line: 3, startOffset: 104, endOffset: 110 });
    }
  });

  it('accepts a line of exactly the limit, with or without \\r\\n, and rejects one byte more', () => {
    expect(split(['1234567890\r\n'], 10)[0]!.text).toBe('1234567890');
    expect(split(byteByByte('1234567890\r\n'), 10)[0]!.text).toBe('1234567890');
    expect(split(['12345678901\n'], 10)[0]).toMatchObject({ text: null, byteLength: 11 });
    expect(split(byteByByte('12345678901\r\n'), 10)[0]).toMatchObject({ text: null, byteLength: 11 });
  });

  it('reports an oversized last line without a newline', () => {
    expect(split(byteByByte('ok\nxxxxxxxxxxxxxxxxxxxx'), 5)[1]).toMatchObject({
      text: null,
      byteLength: 20,
      endOffset: 23,
    });
  });

  it('numbers lines from the resume point', () => {
    expect(split(['c\nd\n'], 1024, 40, 7).map((line) => [line.line, line.startOffset])).toEqual([
      [7, 40],
      [8, 42],
    ]);
  });

  it('strips a byte order mark at the start of the file only', () => {
    expect(split(['\uFEFF{"a":1}\n'])[0]!.text).toBe('{"a":1}');
    expect(split(['\uFEFF{"a":1}\n'], 1024, 10, 2)[0]!.text).toBe('\uFEFF{"a":1}');
  });

  it('flags bytes that are not UTF-8', () => {
    const lines = split([Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]);
    expect(lines[0]!.isValidUtf8).toBe(false);
  });

  it('keeps an empty line in the middle as a line of its own', () => {
    expect(split(['a\n\nb\n']).map((line) => line.text)).toEqual(['a', '', 'b']);
  });
});
