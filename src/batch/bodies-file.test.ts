import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../core/random.js';
import { BodiesReader, BodiesWriter } from './bodies-file.js';
import { bodiesPath } from './job-files.js';

let home: string;
let folder: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'spendwall-bodies-'));
  folder = join(home, 'jobs', 'job_test');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Writes `bodies` from the start of a new file and returns each one's offset and length. */
function writeBodies(bodies: readonly string[]): Array<{ offset: number; length: number }> {
  const writer = BodiesWriter.open(folder, 0);
  const places = bodies.map((body) => {
    const offset = writer.append(body);
    return { offset, length: writer.length - offset };
  });
  writer.sync();
  writer.close();
  return places;
}

describe('bodies file', () => {
  it('appends bodies at byte offsets (multi-byte text included) and reads them back', () => {
    const bodies = ['{"a":1}', '{"text":"héllo — 世界 🙂"}', '{}'];
    const places = writeBodies(bodies);
    expect(places.map((place) => place.offset)).toEqual([0, 7, 7 + Buffer.byteLength(bodies[1]!)]);
    expect(places[1]!.length).toBe(Buffer.byteLength(bodies[1]!));
    expect(readFileSync(bodiesPath(folder), 'utf8')).toBe(bodies.join(''));

    const reader = new BodiesReader(folder);
    expect(places.map((place) => reader.read(place.offset, place.length))).toEqual(bodies);
    reader.close();
  });

  it('writes nothing until sync, then everything appended', () => {
    const writer = BodiesWriter.open(folder, 0);
    writer.append('{"a":1}');
    writer.append('{"b":2}');
    expect(statSync(bodiesPath(folder)).size).toBe(0);
    writer.sync();
    expect(readFileSync(bodiesPath(folder), 'utf8')).toBe('{"a":1}{"b":2}');
    writer.close();
  });

  it('restarts at the committed length: bytes written after the last commit are overwritten', () => {
    const first = BodiesWriter.open(folder, 0);
    first.append('{"kept":1}');
    first.sync();
    const committed = first.length;
    // Synced but never committed: a run that died between the file's sync and the transaction.
    first.append('{"lost":"not committed"}');
    first.sync();
    first.close();

    const second = BodiesWriter.open(folder, committed);
    expect(statSync(bodiesPath(folder)).size).toBe(committed);
    const offset = second.append('{"next":2}');
    expect(offset).toBe(committed);
    second.sync();
    second.close();
    expect(readFileSync(bodiesPath(folder), 'utf8')).toBe('{"kept":1}{"next":2}');
  });

  it('refuses a file shorter than the committed length, naming it', () => {
    writeBodies(['{"a":1}']);
    expect(() => BodiesWriter.open(folder, 100)).toThrow(
      `${bodiesPath(folder)}: the bodies file has 7 bytes, but the job's committed requests refer to 100`,
    );
  });

  it('reads in line order from a window, and jumps anywhere (back, far ahead) in any order', () => {
    const random = seededRandom(7);
    // About 6 MiB of bodies: several read windows, and more than the write buffer.
    const bodies = Array.from({ length: 3000 }, (_, index) =>
      JSON.stringify({ index, text: 'é'.repeat(Math.floor(random() * 2000)) }),
    );
    const places = writeBodies(bodies);
    const reader = new BodiesReader(folder);
    for (const [index, place] of places.entries()) {
      expect(reader.read(place.offset, place.length)).toBe(bodies[index]);
    }
    for (let probe = 0; probe < 500; probe++) {
      const index = Math.floor(random() * bodies.length);
      expect(reader.read(places[index]!.offset, places[index]!.length)).toBe(bodies[index]);
    }
    reader.close();
  });

  it('writes and reads bodies longer than the write buffer and the read window', () => {
    const long = JSON.stringify({ text: 'x'.repeat(5 * 1024 * 1024) });
    const bodies = [
      '{"before":1}',
      long,
      '{"after":2}',
      JSON.stringify({ text: '世'.repeat(2 * 1024 * 1024) }),
    ];
    const places = writeBodies(bodies);
    const reader = new BodiesReader(folder);
    expect(reader.read(places[2]!.offset, places[2]!.length)).toBe(bodies[2]);
    expect(reader.read(places[1]!.offset, places[1]!.length)).toBe(long);
    expect(reader.read(places[0]!.offset, places[0]!.length)).toBe(bodies[0]);
    expect(reader.read(places[3]!.offset, places[3]!.length)).toBe(bodies[3]);
    reader.close();
  });

  it('says which file is missing or too short', () => {
    const missing = new BodiesReader(folder);
    expect(() => missing.read(0, 5)).toThrow(
      `${bodiesPath(folder)}: the job's bodies file cannot be read (ENOENT)`,
    );
    writeBodies(['{"a":1}']);
    const reader = new BodiesReader(folder);
    expect(() => reader.read(4, 10)).toThrow(
      `${bodiesPath(folder)}: a request's body of 10 bytes at offset 4 goes past the file's end (7 bytes)`,
    );
    expect(() => reader.read(0, 2 * 1024 * 1024)).toThrow(/goes past the file's end \(7 bytes\)/);
    expect(reader.read(0, 7)).toBe('{"a":1}');
    reader.close();
  });
});
