import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord } from './csv-parser.js';

function parse(text: string, chunkSize = text.length || 1): CsvRecord[] {
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  for (let start = 0; start < text.length; start += chunkSize) {
    records.push(...parser.push(text.slice(start, start + chunkSize)));
  }
  records.push(...parser.end());
  return records;
}

const tricky =
  'id,note,amount\r\n' +
  '1,plain,2.5\r\n' +
  '2,"has, comma",3\r\n' +
  '3,"two\nlines",4\r\n' +
  '4,"say ""hi""",5\r\n' +
  '5,"",\r\n' +
  '\r\n' +
  '6,"ends with quote """,7';

describe('CsvParser', () => {
  it('reads quoted fields with commas, line breaks and doubled quotes', () => {
    expect(parse(tricky).map((record) => record.fields)).toEqual([
      ['id', 'note', 'amount'],
      ['1', 'plain', '2.5'],
      ['2', 'has, comma', '3'],
      ['3', 'two\nlines', '4'],
      ['4', 'say "hi"', '5'],
      ['5', '', ''],
      ['6', 'ends with quote "', '7'],
    ]);
  });

  it('numbers each record by the line it starts on, skipping blank lines', () => {
    expect(parse(tricky).map((record) => record.line)).toEqual([1, 2, 3, 4, 6, 7, 9]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = parse(tricky);
    for (const size of [1, 2, 3, 5, 7, 11]) expect(parse(tricky, size)).toEqual(whole);
  });

  it('keeps empty fields and a last record without a line break', () => {
    expect(parse('a,,c\n,,\nx').map((record) => record.fields)).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
      ['x'],
    ]);
  });

  it('strips a byte order mark', () => {
    expect(parse('\ufeffa,b\n1,2\n')[0]?.fields).toEqual(['a', 'b']);
  });

  it('reports text after a closing quote and keeps the next rows aligned', () => {
    const records = parse('a,b\n"x"y,2\n3,4\n');
    expect(records[1]).toMatchObject({ line: 2, fields: ['xy', '2'] });
    expect(records[1]?.error).toMatch(/field 1: expected a comma or a line break after the closing quote/);
    expect(records[2]).toEqual({ line: 3, fields: ['3', '4'] });
  });

  it('reports a quote never closed at the end of the file', () => {
    const records = parse('a,b\n1,"open\n2,3\n');
    expect(records[1]?.error).toMatch(/never closed/);
    expect(records).toHaveLength(2);
  });

  it('stops with an error when a record outgrows the limit', () => {
    const parser = new CsvParser({ maxRecordChars: 10 });
    const records = [...parser.push('a\n"'), ...parser.push('x'.repeat(20)), ...parser.push('"\nb\n')];
    expect(records.map((record) => record.fields)).toEqual([['a'], []]);
    expect(records[1]?.error).toMatch(/longer than 10 characters/);
    expect([...parser.end()]).toEqual([]);
  });
});
