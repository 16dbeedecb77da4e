/**
 * One attempt's clock for `send` (../http.ts). It aborts the attempt when the provider has been
 * silent for `timeoutMs`: until the headers (and, for a JSON answer, the whole body) arrive, and
 * between the chunks of a streamed body, so a download of gigabytes is never cut for its length,
 * only for a stall. A streamed upload re-arms it too: a 200 MB body on a slow line is progress.
 *
 * It is one timer re-armed with `refresh()`, so a million chunks allocate no timers, and it is
 * unref'd, so it never keeps a process alive. Time spent on our side (a reader that has not asked
 * for the next chunk, lines still being read for an upload) is not the provider's silence.
 *
 * The caller's signal is followed with a listener that `stop()` removes, not `AbortSignal.any`:
 * on Node 20, every `any` leaves an entry on a long-lived input signal that is never collected.
 */
export class Deadline {
  /** The fetch's signal: aborted by the caller's signal or by this clock. */
  readonly signal: AbortSignal;
  /** Set when this clock, not the caller or the network, ended the attempt. */
  expired = false;
  /** False while our side, not the provider, holds up the exchange. */
  private waitingOnProvider = true;
  private stopped = false;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly stopFollowing: () => void = () => undefined;

  constructor(
    readonly timeoutMs: number,
    callerSignal: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    if (callerSignal) {
      const follow = () => this.controller.abort(callerSignal.reason);
      if (callerSignal.aborted) follow();
      else {
        callerSignal.addEventListener('abort', follow, { once: true });
        this.stopFollowing = () => callerSignal.removeEventListener('abort', follow);
      }
    }
    this.timer = setTimeout(() => this.expire(), timeoutMs);
    this.timer.unref();
  }

  /** Ends the attempt's clock; called once its answer is read, has failed, or was cancelled. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopFollowing();
  }

  /** A request body as it is, or, when it is a stream, one that re-arms the clock as it is sent. */
  upload(body: RequestInit['body']): RequestInit['body'] {
    if (!(body instanceof ReadableStream)) return body;
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          this.waitingOnProvider = false;
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } finally {
            this.rearm();
          }
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      // Zero, so a chunk is read only when the transport takes one: an unread body stays unread.
      { highWaterMark: 0 },
    );
  }

  /**
   * A response body timed between chunks from now on. When the provider stays silent while the
   * reader waits, the body errors with what `silence` builds; the caller's abort passes as it is.
   */
  download(body: ReadableStream<Uint8Array>, silence: (cause: unknown) => Error): ReadableStream<Uint8Array> {
    this.waitingOnProvider = false;
    this.timer.refresh();
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          this.rearm();
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (error) {
            this.stop();
            throw this.expired ? silence(error) : error;
          }
          this.waitingOnProvider = false;
          if (chunk.done) {
            this.stop();
            controller.close();
          } else {
            controller.enqueue(chunk.value);
          }
        },
        cancel: (reason) => {
          this.stop();
          return reader.cancel(reason);
        },
      },
      // Zero, so a chunk is read only when asked for: time a slow reader takes is not silence.
      { highWaterMark: 0 },
    );
  }

  /** The provider has the floor again, for a full `timeoutMs`. */
  private rearm(): void {
    this.waitingOnProvider = true;
    if (!this.stopped) this.timer.refresh();
  }

  private expire(): void {
    // While our side holds things up the timer is simply spent; `rearm` starts it again.
    if (!this.waitingOnProvider || this.stopped) return;
    this.expired = true;
    this.controller.abort(new Error(`the provider was silent for ${this.timeoutMs} ms`));
  }
}
