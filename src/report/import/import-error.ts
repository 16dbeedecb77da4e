import { stat } from 'node:fs/promises';
import { SpendwallError } from '../../core/errors.js';

/** A source that cannot be read at all: a missing file, a file that is not the named format. */
export class ImportError extends SpendwallError {
  constructor(message: string, options: { place?: string; cause?: unknown } = {}) {
    super(message, { code: 'invalid_import', ...options });
    this.name = 'ImportError';
  }
}

/** The file's size; an `ImportError` naming the file when it cannot be read. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ImportError(`cannot read the file: ${reason}`, { place: path, cause: error });
  }
}
