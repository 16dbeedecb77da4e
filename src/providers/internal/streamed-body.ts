import { ProviderError } from '../http.js';

/**
 * A request body streamed from an AsyncIterable of lines, built by a factory that `send` calls
 * once per attempt. Lines are pulled only as the transport reads, so a 200 MB batch never sits in
 * memory; the price is that a body already read cannot simply be sent again. The factory therefore:
 * - hands the same, untouched lines to a new stream when the previous one was never read (an
 *   answer such as 429 that came before the upload started);
 * - starts the lines over when they can be iterated again (their iterator is not themselves, as it
 *   is for a generator object);
 * - otherwise throws a retryable `upload_not_replayable` ProviderError, for the caller to retry
 *   the whole step with fresh lines.
 */
export interface StreamedBodyParts {
  /** Written before the first line (multipart headers, `{"requests":[`). */
  prefix: string;
  lines: AsyncIterable<string>;
  /** How one line appears in the body: with its newline, or after a comma. */
  render: (line: string, index: number) => string;
  /** Written after the last line. */
  suffix: string;
  /** The route, for the error that says the body cannot be sent again. */
  place: string;
}

/** Lines are gathered into chunks of about this many characters before being encoded. */
const chunkCharacters = 64 * 1024;

export function streamedBody(parts: StreamedBodyParts): () => ReadableStream<Uint8Array> {
  const { lines } = parts;
  let iterator: AsyncIterator<string> | undefined;
  // A generator object is its own iterator and runs once; iterable objects hand out fresh ones.
  let canStartOver = false;
  let generation = 0;
  let currentWasRead = false;
  // Set when the lines themselves failed (a store read, say): no retry of the upload can help.
  let sourceFailure: { error: unknown } | undefined;

  return () => {
    if (sourceFailure) throw sourceFailure.error;
    if (generation > 0 && currentWasRead) {
      if (!canStartOver) {
        throw new ProviderError(
          'the upload was interrupted after its lines were read, and they cannot be read again; retry the step',
          { status: null, providerCode: 'upload_not_replayable', isRetryable: true, place: parts.place },
        );
      }
      // Finish the abandoned pass (a generator's `finally` runs); its failure changes nothing here.
      Promise.resolve(iterator?.return?.()).catch(() => undefined);
      iterator = undefined;
    }
    generation++;
    currentWasRead = false;
    const mine = generation;
    const encoder = new TextEncoder();
    let index = 0;
    let stage: 'prefix' | 'lines' | 'done' = 'prefix';

    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (mine !== generation) {
            // A newer attempt owns the lines now; this stream must not take any from it.
            controller.error(new Error('superseded by a newer attempt'));
            return;
          }
          currentWasRead = true;
          let text = '';
          if (stage === 'prefix') {
            text = parts.prefix;
            stage = 'lines';
          }
          if (!iterator) {
            iterator = lines[Symbol.asyncIterator]();
            canStartOver = iterator !== (lines as unknown);
          }
          while (stage === 'lines' && text.length < chunkCharacters) {
            let next: IteratorResult<string>;
            try {
              next = await iterator.next();
            } catch (error) {
              sourceFailure = { error };
              throw error;
            }
            if (next.done) {
              text += parts.suffix;
              stage = 'done';
            } else {
              text += parts.render(next.value, index++);
            }
          }
          if (text.length > 0) controller.enqueue(encoder.encode(text));
          if (stage === 'done') controller.close();
        },
        async cancel() {
          // Only the stream that owns the lines may finish them (a generator's `finally` runs).
          if (mine === generation && currentWasRead) await iterator?.return?.();
        },
      },
      // Zero, so nothing is pulled until the transport reads: an unread stream can be replaced.
      { highWaterMark: 0 },
    );
  };
}
