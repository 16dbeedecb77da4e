/**
 * A byte sequence kept as the pieces it arrived in (an upload's socket reads, a batch output's
 * megabyte chunks), read through global offsets. Uploads are never joined into one buffer: that copy
 * would double the memory of a 200 MB batch file while it is received.
 */
export class ChunkedBytes {
  readonly length: number;
  /** Global offset of each chunk's first byte, for binary search. */
  private readonly starts: number[] = [];

  constructor(readonly chunks: readonly Buffer[]) {
    let offset = 0;
    for (const chunk of chunks) {
      this.starts.push(offset);
      offset += chunk.length;
    }
    this.length = offset;
  }

  /** The byte at `offset`, or undefined past the end. */
  at(offset: number): number | undefined {
    if (offset < 0 || offset >= this.length) return undefined;
    const index = this.chunkIndex(offset);
    return this.chunks[index]![offset - this.starts[index]!];
  }

  /** The first offset ≥ `from` where `needle` starts, or -1. Finds needles that straddle chunks. */
  indexOf(needle: Buffer | number, from = 0): number {
    if (from >= this.length) return -1;
    for (let index = this.chunkIndex(Math.max(0, from)); index < this.chunks.length; index++) {
      const chunk = this.chunks[index]!;
      const start = this.starts[index]!;
      const found = chunk.indexOf(needle, Math.max(0, from - start));
      if (found >= 0) return start + found;
      if (typeof needle !== 'number' && needle.length > 1 && index + 1 < this.chunks.length) {
        const straddle = this.straddleIndex(needle, index, from);
        if (straddle >= 0) return straddle;
      }
    }
    return -1;
  }

  /** The bytes in [start, end) as views into the chunks (no copy). */
  slice(start: number, end: number): Buffer[] {
    const pieces: Buffer[] = [];
    if (end <= start) return pieces;
    for (let index = this.chunkIndex(start); index < this.chunks.length; index++) {
      const chunkStart = this.starts[index]!;
      if (chunkStart >= end) break;
      const chunk = this.chunks[index]!;
      pieces.push(chunk.subarray(Math.max(0, start - chunkStart), Math.min(chunk.length, end - chunkStart)));
    }
    return pieces;
  }

  /** The bytes in [start, end) decoded as UTF-8; copies only when the range straddles chunks. */
  text(start: number, end: number): string {
    const index = this.chunkIndex(start);
    const chunkStart = this.starts[index]!;
    const chunk = this.chunks[index]!;
    if (end - chunkStart <= chunk.length) return chunk.toString('utf8', start - chunkStart, end - chunkStart);
    return Buffer.concat(this.slice(start, end)).toString('utf8');
  }

  private chunkIndex(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** A match that begins in chunk `index` and ends in a later one. */
  private straddleIndex(pattern: Buffer, index: number, from: number): number {
    const tailStart = Math.max(from, this.starts[index + 1]! - (pattern.length - 1));
    const window = Buffer.concat(
      this.slice(tailStart, Math.min(this.length, tailStart + 2 * pattern.length)),
    );
    const found = window.indexOf(pattern);
    return found >= 0 && tailStart + found < this.starts[index + 1]! ? tailStart + found : -1;
  }
}
