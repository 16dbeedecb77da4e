import type { UsageRecord } from '../usage-record.js';
import { columnOf, requiredFields } from './column-map.js';
import { readCsvFile } from './csv-parser.js';
import { problemMessage, RowProblem } from './field-checks.js';
import { genericRecord } from './generic-row.js';
import { ImportError } from './import-error.js';
import { csvRowReader, type RowValues } from './row-tools.js';
import type { ImportOptions, ImportSource } from './types.js';

/**
 * A generic RFC 4180 CSV file with a header row; which column holds which field is the column
 * map's business (docs/importers.md). The header must name every required field's column.
 */
export async function* readGenericCsv(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  let rowReader: ((fields: readonly string[]) => RowValues) | undefined;
  let width = 0;
  for await (const record of readCsvFile(source.path)) {
    const position = `line ${record.line}`;
    if (record.error) {
      options.onIssue({ path: source.path, position, message: record.error });
      continue;
    }
    if (!rowReader) {
      const header = record.fields.map((name) => name.trim());
      const missing = requiredFields
        .map((field) => columnOf(options.columnMap, field))
        .filter((column) => !header.includes(column));
      if (missing.length > 0) {
        throw new ImportError(
          `the header has no ${missing.map((column) => `'${column}'`).join(', ')} column; ` +
            `it has ${header.map((column) => `'${column}'`).join(', ')} (map fields to columns with --map FIELD=COLUMN,…)`,
          { place: `${source.path}:${record.line}` },
        );
      }
      rowReader = csvRowReader(header);
      width = header.length;
      continue;
    }
    try {
      if (record.fields.length !== width) {
        throw new RowProblem(`expected ${width} fields as in the header, found ${record.fields.length}`);
      }
      yield genericRecord(rowReader(record.fields), options.columnMap, source, position);
    } catch (error) {
      options.onIssue({ path: source.path, position, message: problemMessage(error) });
    }
  }
}
