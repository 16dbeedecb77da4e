import type { PriceBook } from '../../prices/index.js';
import type { ImportIssue, UsageRecord } from '../usage-record.js';

/** The formats `--import FORMAT:PATH` accepts; one file of this folder each. */
export const importFormats = [
  'openai-usage',
  'anthropic-usage',
  'litellm',
  'otlp',
  'csv',
  'jsonl',
  'ledger',
] as const;

export type ImportFormat = (typeof importFormats)[number];

export interface ImportSource {
  format: ImportFormat;
  /** A file for every format but `ledger`, whose path is a SQLite file or a `postgres://` URL. */
  path: string;
}

/** A generic file's column names for each record field: `{ time: 'ts', model: 'model_name' }`. */
export type ColumnMap = Readonly<Record<string, string>>;

export interface ImportOptions {
  /** Called once per row that was left out, with its place and what was expected. */
  onIssue(issue: ImportIssue): void;
  /** Used by the ledger import's store and by exports; importers never invent a cost from it. */
  priceBook?: PriceBook;
  /** The generic `csv` and `jsonl` formats: which column holds which field (see docs/importers.md). */
  columnMap?: ColumnMap;
}

/**
 * What every format's file exports: the records of one source, in file order, streamed. A row
 * that cannot be used goes to `onIssue` and the reading goes on; only a source that cannot be
 * read at all (missing file, not the format) throws, as an `ImportError`.
 */
export type Importer = (source: ImportSource, options: ImportOptions) => AsyncIterable<UsageRecord>;
