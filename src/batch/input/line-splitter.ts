import { isUtf8 } from 'node:buffer';

/**
 * Splits a byte stream into lines at '\n', tracking byte offsets so a reader can resume at any
 * line's end. Splitting happens on bytes, before decoding, so a multi-byte UTF-8 character cut by
 * a chunk boundary is decoded whole; a line that spans chunks is the only one ever copied. A line
 * longer than the limit is never held in memory: once it passes the limit its bytes are counted
 * and dropped until the next newline.
 */

const newlineByte = 0x0a;
const carriageReturnByte = 0x0d;
const byteOrderMark = 0xfeff;

export interface RawLine {
  /** 1-based line number. */
  line: number;
  startOffset: number;
  /** Offset just past the newline, or the end of the file for a last line without one. */
  endOffset: number;
  /** The line without its '\n' or '\r\n'; null when it was longer than the limit and skipped. */
  text: string | null;
  /** Bytes of the line without its line ending. */
  byteLength: number;
  /** False when the bytes are not valid UTF-8 (text then holds replacement characters). */
  isValidUtf8: boolean;
}

export interface LineSplitterOptions {
  startOffset: number;
  startLine: number;
  maxLineBytes: number;
}

export class LineSplitter {
  private readonly maxLineBytes: number;
  /** Absolute offset of the first byte of the next chunk pushed. */
  private chunkOffset: number;
  private lineStart: number;
  private lineNumber: number;
  /** Copies of the current line's bytes held from earlier chunks. */
  private heldPieces: Buffer[] = [];
  /** Bytes of the current line seen in earlier chunks, held or skipped. */
  private heldBytes = 0;
  private lastHeldByte = -1;
  private skipping = false;

  constructor(options: LineSplitterOptions) {
    this.maxLineBytes = options.maxLineBytes;
    this.chunkOffset = options.startOffset;
    this.lineStart = options.startOffset;
    this.lineNumber = options.startLine;
  }

  /** The lines that this chunk completes, in order. */
  *push(chunk: Buffer): Generator<RawLine> {
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(newlineByte, position);
      if (newline === -1) {
        this.hold(chunk, position);
        break;
      }
      yield this.completeLine(chunk, position, newline, newline + 1);
      position = newline + 1;
    }
    this.chunkOffset += chunk.length;
  }

  /** The last line, when the input ended without a newline after it. */
  *end(): Generator<RawLine> {
    if (this.heldBytes > 0) yield this.completeLine(Buffer.alloc(0), 0, 0, 0);
  }

  private hold(chunk: Buffer, from: number): void {
    const length = chunk.length - from;
    this.lastHeldByte = chunk[chunk.length - 1]!;
    this.heldBytes += length;
    if (this.skipping) return;
    // One byte of slack: a '\r' before the newline is not part of the line's length.
    if (this.heldBytes > this.maxLineBytes + 1) {
      this.skipping = true;
      this.heldPieces = [];
      return;
    }
    // A copy, so the line does not pin the whole chunk and survives a stream that reuses buffers.
    this.heldPieces.push(Buffer.from(chunk.subarray(from)));
  }

  /** Ends the current line with chunk[from, to) as its last bytes; `next` indexes past its newline. */
  private completeLine(chunk: Buffer, from: number, to: number, next: number): RawLine {
    const totalBytes = this.heldBytes + (to - from);
    const lastByte = to > from ? chunk[to - 1] : this.lastHeldByte;
    const byteLength = lastByte === carriageReturnByte ? totalBytes - 1 : totalBytes;
    const startOffset = this.lineStart;
    const endOffset = this.chunkOffset + next;
    let text: string | null = null;
    let isValidUtf8 = true;
    if (!this.skipping && byteLength <= this.maxLineBytes) {
      let bytes: Buffer;
      let start: number;
      if (this.heldPieces.length === 0) {
        bytes = chunk;
        start = from;
      } else {
        this.heldPieces.push(chunk.subarray(from, to));
        bytes = Buffer.concat(this.heldPieces, totalBytes);
        start = 0;
      }
      const end = start + byteLength;
      isValidUtf8 = isUtf8(bytes.subarray(start, end));
      text = bytes.toString('utf8', start, end);
      // Editors on Windows start files with a byte order mark, which JSON.parse refuses.
      if (startOffset === 0 && text.charCodeAt(0) === byteOrderMark) text = text.slice(1);
    }
    const line: RawLine = { line: this.lineNumber, startOffset, endOffset, text, byteLength, isValidUtf8 };
    this.lineNumber += 1;
    this.lineStart = endOffset;
    this.heldPieces = [];
    this.heldBytes = 0;
    this.lastHeldByte = -1;
    this.skipping = false;
    return line;
  }
}
