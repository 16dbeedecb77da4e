import {
  closeSync,
  constants,
  existsSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { SpendwallError } from '../core/errors.js';
import type { BodyPlace } from '../store/requests.js';
import { bodiesPath, ensureFolderOf, syncFolder } from './job-files.js';

/** Bytes gathered before they are written: one write per few thousand bodies, not one per body. */
const writeBufferBytes = 4 * 1024 * 1024;

/** Bytes read at a time: a page of a chunk's bodies, read in line order, costs a few reads. */
const readWindowBytes = 1024 * 1024;

/** UTF-8 bytes a string of `length` UTF-16 units can take at most. */
function mostBytes(length: number): number {
  return length * 3;
}

/**
 * Appends request bodies to a job's bodies file at ingest. It starts at the length the job's
 * record says is committed: bytes past it were written by a run that died before its commit, so
 * no request refers to them and they are cut off. Offsets are bytes from the file's start.
 */
export class BodiesWriter {
  private readonly buffer = Buffer.allocUnsafe(writeBufferBytes);
  private buffered = 0;
  /** Bytes already written to the file (those in the buffer come after). */
  private written: number;

  private constructor(
    readonly path: string,
    private descriptor: number | undefined,
    committedBytes: number,
  ) {
    this.written = committedBytes;
  }

  /** Opens (creating when missing) the bodies file in the job's folder, at the committed length. */
  static open(folder: string, committedBytes: number): BodiesWriter {
    const path = bodiesPath(folder);
    ensureFolderOf(path);
    const created = !existsSync(path);
    const descriptor = openSync(path, constants.O_RDWR | constants.O_CREAT);
    try {
      const size = fstatSync(descriptor).size;
      if (size < committedBytes) {
        throw new SpendwallError(
          `the bodies file has ${size} bytes, but the job's committed requests refer to ${committedBytes}`,
          { code: 'bodies_file_short', place: path },
        );
      }
      if (size > committedBytes) ftruncateSync(descriptor, committedBytes);
      // The file's name must survive a power loss too, before a commit refers to its bytes.
      if (created) syncFolder(dirname(path));
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
    return new BodiesWriter(path, descriptor, committedBytes);
  }

  /** Bytes appended so far, written or not: the offset the next body gets. */
  get length(): number {
    return this.written + this.buffered;
  }

  /** Adds a body after the others and returns its offset (its length is `length` after, minus it). */
  append(body: string): number {
    const offset = this.length;
    if (this.buffered + mostBytes(body.length) > this.buffer.length) this.flush();
    if (mostBytes(body.length) > this.buffer.length) {
      // Longer than the buffer could hold: written on its own.
      const bytes = Buffer.from(body, 'utf8');
      this.writeAll(bytes, bytes.length);
      return offset;
    }
    this.buffered += this.buffer.write(body, this.buffered, 'utf8');
    return offset;
  }

  /** Writes what is buffered and makes it durable: call before committing rows that refer to it. */
  sync(): void {
    this.flush();
    fdatasyncSync(this.openDescriptor());
  }

  close(): void {
    if (this.descriptor === undefined) return;
    const descriptor = this.descriptor;
    this.descriptor = undefined;
    closeSync(descriptor);
  }

  private flush(): void {
    if (this.buffered === 0) return;
    this.writeAll(this.buffer, this.buffered);
    this.buffered = 0;
  }

  private writeAll(bytes: Buffer, count: number): void {
    const descriptor = this.openDescriptor();
    let done = 0;
    while (done < count) {
      done += writeSync(descriptor, bytes, done, count - done, this.written + done);
    }
    this.written += count;
  }

  private openDescriptor(): number {
    if (this.descriptor === undefined) {
      throw new SpendwallError('the bodies file was already closed', {
        code: 'bodies_file_closed',
        place: this.path,
      });
    }
    return this.descriptor;
  }
}

/**
 * Reads bodies from a job's bodies file. Reads in increasing offsets (a chunk's requests in line
 * order) are served from a window read ahead, so a page of bodies costs a few reads; a read outside
 * the window moves it. The file is opened at the first read: a chunk of an older job, whose bodies
 * are all in the database, never needs it.
 */
export class BodiesReader {
  private descriptor: number | undefined;
  /** Allocated at the first read: a reader made on the way (packing without a limit) costs nothing. */
  private window: Buffer | undefined;
  private windowStart = 0;
  private windowEnd = 0;
  readonly path: string;

  constructor(folder: string) {
    this.path = bodiesPath(folder);
  }

  /** A request's body: from the file, or the one read from the database for an older request. */
  bodyOf(request: BodyPlace): string {
    if (request.body !== undefined) return request.body;
    if (request.bodyOffset === null) {
      throw new SpendwallError(`request line ${request.line} has no body in the file or the database`, {
        code: 'body_missing',
        place: this.path,
      });
    }
    return this.read(request.bodyOffset, request.bodyBytes);
  }

  /** The body of `length` bytes at `offset`. */
  read(offset: number, length: number): string {
    if (length === 0) return '';
    if (length > readWindowBytes) {
      const bytes = Buffer.allocUnsafe(length);
      this.readAll(bytes, length, offset);
      return bytes.toString('utf8');
    }
    if (offset < this.windowStart || offset + length > this.windowEnd) {
      // Emptied first, so a failed read leaves no stale window behind.
      this.windowStart = this.windowEnd = offset;
      this.window ??= Buffer.allocUnsafe(readWindowBytes);
      this.windowEnd = offset + this.readSome(this.window, readWindowBytes, offset);
      if (offset + length > this.windowEnd) this.short(offset, length, this.windowEnd);
    }
    const start = offset - this.windowStart;
    return this.window!.toString('utf8', start, start + length);
  }

  /** Closes the file; a later read opens it again. */
  close(): void {
    if (this.descriptor === undefined) return;
    const descriptor = this.descriptor;
    this.descriptor = undefined;
    this.windowStart = 0;
    this.windowEnd = 0;
    closeSync(descriptor);
  }

  /** Reads `count` bytes at `position`, failing when the file ends first. */
  private readAll(bytes: Buffer, count: number, position: number): void {
    const got = this.readSome(bytes, count, position);
    if (got < count) this.short(position, count, position + got);
  }

  /** Reads up to `count` bytes at `position`; fewer only where the file ends. */
  private readSome(bytes: Buffer, count: number, position: number): number {
    const descriptor = this.openDescriptor();
    let done = 0;
    while (done < count) {
      const got = readSync(descriptor, bytes, done, count - done, position + done);
      if (got === 0) break;
      done += got;
    }
    return done;
  }

  private short(offset: number, length: number, end: number): never {
    throw new SpendwallError(
      `a request's body of ${length} bytes at offset ${offset} goes past the file's end (${end} bytes)`,
      { code: 'bodies_file_short', place: this.path },
    );
  }

  private openDescriptor(): number {
    if (this.descriptor === undefined) {
      try {
        this.descriptor = openSync(this.path, 'r');
      } catch (error) {
        throw new SpendwallError(
          `the job's bodies file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); its requests' bodies were stored there at ingest`,
          { code: 'bodies_file_missing', place: this.path, cause: error },
        );
      }
    }
    return this.descriptor;
  }
}
