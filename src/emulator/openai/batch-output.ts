/**
 * The lines of a batch's output and error files, in the shapes OpenAI documents:
 * - a line that got an HTTP answer: `{id, custom_id, response: {status_code, request_id, body}, error: null}`
 *   (in the output file when the status is 2xx, in the error file otherwise);
 * - a line that never ran: `{id, custom_id, response: null, error: {code, message}}` in the error file,
 *   with `batch_expired` or `batch_cancelled`.
 */

export function answeredLine(
  id: string,
  customId: string,
  statusCode: number,
  requestId: string,
  body: unknown,
) {
  // Assembled by hand around the one stringify that matters: 50,000 wrapper objects are pure garbage.
  return (
    `{"id":"${id}","custom_id":${JSON.stringify(customId)},"response":{"status_code":${statusCode},` +
    `"request_id":"${requestId}","body":${JSON.stringify(body)}},"error":null}`
  );
}

const unrunMessages = {
  batch_expired: 'This request could not be executed before the completion window expired.',
  batch_cancelled: 'This request could not be executed before the batch was cancelled.',
} as const;

export function unrunLine(id: string, customId: string, code: keyof typeof unrunMessages) {
  return JSON.stringify({
    id,
    custom_id: customId,
    response: null,
    error: { code, message: unrunMessages[code] },
  });
}

const pieceLength = 128 * 1024;

/**
 * Collects JSONL as encoded pieces of about 128 KB, each line written straight into the current
 * piece. A 50,000-line output never exists as one huge string next to its encoded copy, and no
 * line string outlives its `write`: batching lines as strings before encoding them let them reach
 * V8's old generation, which cost the benchmark a third of its output time and some 60 MB of RSS.
 */
export class JsonlWriter {
  private readonly pieces: Buffer[] = [];
  /** Allocated on the first write, so a batch with nothing to put in a file costs nothing. */
  private current: Buffer | null = null;
  private used = 0;
  private bytes = 0;
  lineCount = 0;

  write(line: string): void {
    // A UTF-16 code unit never takes more than three bytes in UTF-8.
    const room = line.length * 3 + 1;
    if (!this.current || this.used + room > this.current.length) {
      this.seal();
      this.current = Buffer.allocUnsafeSlow(Math.max(pieceLength, room));
    }
    this.used += this.current.write(line, this.used);
    this.current[this.used++] = 0x0a;
    this.lineCount++;
  }

  /** Everything written so far, in pieces; the writer keeps no spare room afterwards. */
  content(): { content: Buffer[]; bytes: number } {
    this.seal();
    this.current = null;
    // The last piece shares a 128 KB allocation it may barely use; a file of three lines keeps 3 lines' worth.
    const last = this.pieces.at(-1);
    if (last) this.pieces[this.pieces.length - 1] = Buffer.from(last);
    return { content: this.pieces.slice(), bytes: this.bytes };
  }

  private seal(): void {
    if (!this.current || this.used === 0) return;
    this.pieces.push(this.current.subarray(0, this.used));
    this.bytes += this.used;
    this.current = this.current.subarray(this.used);
    this.used = 0;
  }
}
