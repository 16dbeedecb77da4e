import type { UsageRecord } from '../usage-record.js';
import { readAnthropicUsage } from './anthropic-usage.js';
import { readGenericCsv } from './csv.js';
import { ImportError } from './import-error.js';
import { readGenericJsonl } from './jsonl.js';
import { readLedgerSource } from './ledger.js';
import { readLitellm } from './litellm.js';
import { readOpenaiUsage } from './openai-usage.js';
import { readOtlp } from './otlp.js';
import {
  type Importer,
  type ImportFormat,
  type ImportOptions,
  type ImportSource,
  importFormats,
} from './types.js';

/**
 * Usage from outside Spendwall's own ledger: a provider's usage export, another gateway's spend
 * log, OpenTelemetry spans, a generic CSV or JSON Lines file. Every format streams its file and
 * yields `UsageRecord`s; rows it cannot use go to `onIssue` with their place. See docs/importers.md.
 */

const importers: Record<ImportFormat, Importer> = {
  'openai-usage': readOpenaiUsage,
  'anthropic-usage': readAnthropicUsage,
  litellm: readLitellm,
  otlp: readOtlp,
  csv: readGenericCsv,
  jsonl: readGenericJsonl,
  ledger: readLedgerSource,
};

/** The records of one source, streamed in its order. Throws `ImportError` only when it cannot be read at all. */
export function readUsage(source: ImportSource, options: ImportOptions): AsyncIterable<UsageRecord> {
  return importers[source.format](source, options);
}

/** The records of several sources, one after the other (`--import` given more than once). */
export async function* readUsageSources(
  sources: readonly ImportSource[],
  options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  for (const source of sources) yield* readUsage(source, options);
}

/** `litellm:./spend.csv` → `{ format: 'litellm', path: './spend.csv' }`, for `--import FORMAT:PATH`. */
export function parseImportSpec(spec: string): ImportSource {
  const colon = spec.indexOf(':');
  const format = colon === -1 ? '' : spec.slice(0, colon);
  const path = colon === -1 ? '' : spec.slice(colon + 1);
  if (!isImportFormat(format)) {
    const named = colon === -1 ? `'${spec}' has no FORMAT: prefix` : `'${format}' is not a format`;
    throw new ImportError(`${named}; expected FORMAT:PATH with FORMAT one of ${importFormats.join(', ')}`, {
      place: '--import',
    });
  }
  if (path === '') {
    throw new ImportError(`'${spec}' names no file after '${format}:'`, { place: '--import' });
  }
  return { format, path };
}

function isImportFormat(value: string): value is ImportFormat {
  return (importFormats as readonly string[]).includes(value);
}

export { type ColumnMap, parseColumnMap, readColumnMapFile } from './column-map.js';
export { ImportError } from './import-error.js';
export { type ReadLedgerOptions, readLedger } from './ledger.js';
export {
  type Importer,
  type ImportFormat,
  type ImportOptions,
  type ImportSource,
  importFormats,
} from './types.js';
