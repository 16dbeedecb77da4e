import type { EmulatorContext } from '../context.js';

/** Purposes a client may upload with (`FilePurpose` in the SDK). */
export const uploadPurposes = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** Every purpose a file can carry, including those only OpenAI writes (batch results). */
export type StoredFilePurpose = (typeof uploadPurposes)[number] | 'batch_output';

/** OpenAI keeps batch input files, and batch output files, 30 days unless told otherwise. */
export const batchFileLifetimeSeconds = 30 * 24 * 3600;

export interface StoredFile {
  id: string;
  purpose: StoredFilePurpose;
  filename: string;
  /** Emulated epoch seconds. */
  createdAt: number;
  /** Emulated epoch seconds after which the file is gone, or null to keep it until deleted. */
  expiresAt: number | null;
  /** The bytes, in the pieces they were written in (batch results are never joined into one copy). */
  content: readonly Buffer[];
  bytes: number;
}

export interface FileListQuery {
  purpose?: string | undefined;
  order: 'asc' | 'desc';
  limit: number;
  after?: string | undefined;
}

/**
 * The files of one emulator, uploads and batch results alike. Expired files vanish on the next
 * access, as they do at OpenAI.
 */
export class FileStore {
  /** Insertion order is creation order, which listing relies on. */
  private readonly files = new Map<string, StoredFile>();

  constructor(private readonly context: EmulatorContext) {}

  add(file: Omit<StoredFile, 'id' | 'createdAt'> & { createdAt?: number }): StoredFile {
    const stored: StoredFile = {
      id: this.context.ids.next('file-', 22),
      createdAt: this.context.clock.nowSeconds(),
      ...file,
    };
    this.files.set(stored.id, stored);
    return stored;
  }

  get(id: string): StoredFile | undefined {
    const file = this.files.get(id);
    if (file && this.isExpired(file)) {
      this.files.delete(id);
      return undefined;
    }
    return file;
  }

  delete(id: string): boolean {
    return this.get(id) !== undefined && this.files.delete(id);
  }

  /** A page of files, newest first unless `order` is `asc`, after the file `after` (exclusive). */
  list(query: FileListQuery): { data: StoredFile[]; hasMore: boolean } {
    const all = [...this.files.values()].filter(
      (file) => !this.isExpired(file) && (query.purpose === undefined || file.purpose === query.purpose),
    );
    if (query.order === 'desc') all.reverse();
    const start = query.after === undefined ? 0 : all.findIndex((file) => file.id === query.after) + 1;
    const data = all.slice(start, start + query.limit);
    return { data, hasMore: start + query.limit < all.length };
  }

  private isExpired(file: StoredFile): boolean {
    return file.expiresAt !== null && file.expiresAt <= this.context.clock.nowSeconds();
  }
}

/** The `File` object as the API returns it. */
export function fileObject(file: StoredFile) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: file.createdAt,
    expires_at: file.expiresAt,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed' as const,
    status_details: null,
  };
}

const stores = new WeakMap<EmulatorContext, FileStore>();

/** The file store of an emulator; the files and batches routes share it. */
export function fileStoreFor(context: EmulatorContext): FileStore {
  let store = stores.get(context);
  if (!store) {
    store = new FileStore(context);
    stores.set(context, store);
  }
  return store;
}
