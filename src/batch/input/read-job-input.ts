import { createReadStream } from 'node:fs';
import { ConfigError, SpendwallError } from '../../core/errors.js';
import { LineSplitter, type RawLine } from './line-splitter.js';
import { type LineContext, parseJobLine } from './parse-line.js';
import {
  anthropicEndpoint,
  type InputEndpoint,
  type InputProvider,
  type JobInputLine,
  openAiEndpoints,
  type ReadJobInputOptions,
  type RejectedLine,
} from './types.js';

/**
 * Streams a job file and yields every line as accepted or rejected, in file order. The file is
 * read in large chunks and never held whole, so memory stays flat however long the job is. Bad
 * lines are yielded as rejections and reading goes on; only failing to read the file throws.
 * To resume a crashed ingest, pass the endOffset and line + 1 of the last line recorded.
 */

export const defaultMaxLineBytes = 32 * 1024 * 1024;
/** Large enough that reads are few and cheap, small enough to keep memory flat. */
const defaultHighWaterMark = 1024 * 1024;

const providers: readonly InputProvider[] = ['openai', 'anthropic'];
const endpoints: readonly InputEndpoint[] = [...openAiEndpoints, anthropicEndpoint];

/** Codes the system reports for a file that may be readable on a later try. */
const transientReadErrors = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EIO']);

export async function* readJobInput(
  path: string,
  options: ReadJobInputOptions = {},
): AsyncGenerator<JobInputLine> {
  for await (const page of readJobInputPages(path, options)) yield* page;
}

/**
 * The same lines a page per piece of the file read (~1 MB, a few thousand lines): one await per
 * page, not per line. Pages may be empty.
 */
export async function* readJobInputPages(
  path: string,
  options: ReadJobInputOptions = {},
): AsyncGenerator<JobInputLine[]> {
  const settings = checkOptions(options);
  const splitter = new LineSplitter(settings);
  const stream = createReadStream(path, {
    start: settings.startOffset,
    highWaterMark: settings.highWaterMark,
  });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // Empty lines wait until a later line shows they are not just blank lines closing the file.
  let heldEmptyLines: RejectedLine[] = [];
  const emit = (raw: RawLine, page: JobInputLine[]): void => {
    const result = parseJobLine(raw, settings);
    if (result.kind === 'rejected' && result.code === 'empty_line') {
      heldEmptyLines.push(result);
      return;
    }
    if (heldEmptyLines.length > 0) {
      page.push(...heldEmptyLines);
      heldEmptyLines = [];
    }
    page.push(result);
  };
  try {
    for (;;) {
      const next = await readChunk(chunks, path);
      if (next.done) break;
      const page: JobInputLine[] = [];
      for (const raw of splitter.push(next.value)) emit(raw, page);
      yield page;
    }
    const page: JobInputLine[] = [];
    for (const raw of splitter.end()) emit(raw, page);
    yield page;
  } finally {
    stream.destroy();
  }
}

async function readChunk(chunks: AsyncIterator<Buffer>, path: string): Promise<IteratorResult<Buffer>> {
  try {
    return await chunks.next();
  } catch (error) {
    const systemCode = (error as NodeJS.ErrnoException).code;
    throw new SpendwallError(`cannot read the job input: ${(error as Error).message}`, {
      code: 'input_unreadable',
      place: path,
      isRetryable: systemCode !== undefined && transientReadErrors.has(systemCode),
      cause: error,
    });
  }
}

interface ReaderSettings extends LineContext {
  startOffset: number;
  startLine: number;
  highWaterMark: number;
}

/** Options come from the engine and the CLI flags, so a bad one is a configuration error. */
function checkOptions(options: ReadJobInputOptions): ReaderSettings {
  const startOffset = options.startOffset ?? 0;
  if (!Number.isSafeInteger(startOffset) || startOffset < 0) {
    throw new ConfigError(`expected a byte offset (an integer ≥ 0), got ${startOffset}`, {
      place: 'startOffset',
    });
  }
  if (startOffset > 0 && options.startLine === undefined) {
    throw new ConfigError('required with a startOffset past 0, to number the lines that follow', {
      place: 'startLine',
    });
  }
  const startLine = options.startLine ?? 1;
  requirePositiveInteger(startLine, 'startLine');
  const maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
  requirePositiveInteger(maxLineBytes, 'maxLineBytes');
  const highWaterMark = options.highWaterMark ?? defaultHighWaterMark;
  requirePositiveInteger(highWaterMark, 'highWaterMark');

  const { provider } = options;
  if (provider !== undefined && !providers.includes(provider)) {
    throw new ConfigError(`expected one of ${providers.join(', ')}, got ${String(provider)}`, {
      place: '--provider',
    });
  }
  const endpoint = options.endpoint as InputEndpoint | undefined;
  if (endpoint !== undefined && !endpoints.includes(endpoint)) {
    throw new ConfigError(`expected one of ${endpoints.join(', ')}, got ${endpoint}`, {
      place: '--endpoint',
    });
  }
  if (
    provider !== undefined &&
    endpoint !== undefined &&
    (endpoint === anthropicEndpoint) !== (provider === 'anthropic')
  ) {
    throw new ConfigError(`${endpoint} is not an endpoint of --provider ${provider}`, {
      place: '--endpoint',
    });
  }
  const tokenEstimate = options.tokenEstimate ?? 'exact';
  return { startOffset, startLine, maxLineBytes, highWaterMark, provider, endpoint, tokenEstimate };
}

function requirePositiveInteger(value: number, place: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`expected a positive integer, got ${value}`, { place });
  }
}
