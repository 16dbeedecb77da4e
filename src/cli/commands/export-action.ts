import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { parseDuration } from '../../core/durations.js';
import { ConfigError } from '../../core/errors.js';
import { loadPolicyFor } from '../../policy/load-policy.js';
import { writeFocusCsv } from '../../report/focus/index.js';
import { FieldProblem, timestamp } from '../../report/import/field-checks.js';
import {
  type ColumnMap,
  parseColumnMap,
  parseImportSpec,
  readColumnMapFile,
  readLedger,
  readUsageSources,
} from '../../report/import/index.js';
import type { ImportIssue, UsageRecord } from '../../report/usage-record.js';
import { openStore } from '../../store/open-store.js';
import type { ExportFlags } from './export.js';

/** Issues printed one by one before the rest are only counted. */
const issuesShown = 20;

/** `spendwall export`: loaded only when the command runs (see export.ts). */
export async function exportCommand(flags: ExportFlags): Promise<void> {
  if (flags.format !== 'focus') {
    throw new ConfigError(`'${flags.format}' is not an export format; expected focus`, {
      place: '--format',
    });
  }
  const now = Date.now();
  const since = flags.since === undefined ? undefined : parseTime(flags.since, '--since', now);
  const until = flags.until === undefined ? undefined : parseTime(flags.until, '--until', now);
  const sources = flags.import.map(parseImportSpec);
  const columnMap = flags.map === undefined ? undefined : columnMapFrom(flags.map);
  const policy = await loadPolicyFor(flags.config);
  const issues = issuePrinter();
  const records =
    sources.length > 0
      ? readUsageSources(sources, {
          onIssue: issues.report,
          priceBook: policy.priceBook,
          ...(columnMap ? { columnMap } : {}),
        })
      : ledgerRecords(flags.database, since, until);

  // A file is written beside its destination and renamed once complete: an import that
  // fails half-way never leaves a truncated export where a finished one was expected.
  const partial = flags.output ? `${flags.output}.partial-${process.pid}` : undefined;
  const output: Writable = partial ? createWriteStream(partial) : process.stdout;
  let summary: Awaited<ReturnType<typeof writeFocusCsv>>;
  try {
    summary = await writeFocusCsv(records, output, {
      priceBook: policy.priceBook,
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      ...(flags.billingAccountId ? { billingAccountId: flags.billingAccountId } : {}),
      ...(flags.billingAccountName ? { billingAccountName: flags.billingAccountName } : {}),
    });
    if (partial && flags.output) {
      output.end();
      await once(output, 'finish');
      await rename(partial, flags.output);
    }
  } catch (error) {
    if (partial) {
      output.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  }
  issues.finish();
  const where = flags.output ?? 'standard output';
  console.error(
    `spendwall: wrote ${summary.rows} FOCUS rows from ${summary.recordsExported} usage records to ${where}` +
      (summary.recordsOutOfRange > 0 ? ` (${summary.recordsOutOfRange} outside --since/--until)` : ''),
  );
  if (summary.unpriced.records > 0) {
    console.error(
      `spendwall: ${summary.unpriced.records} records left out: no cost in the source and no price in the catalog`,
    );
    for (const [model, reason] of summary.unpriced.reasons) console.error(`  ${model}: ${reason}`);
  }
  if (issues.count() > 0) process.exitCode = 1;
}

async function* ledgerRecords(
  database: string | undefined,
  since: number | undefined,
  until: number | undefined,
): AsyncGenerator<UsageRecord> {
  const store = await openStore({ databaseUrl: database });
  try {
    yield* readLedger(store, {
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    });
  } finally {
    await store.close();
  }
}

function columnMapFrom(value: string): ColumnMap {
  return !value.includes('=') && existsSync(value) ? readColumnMapFile(value) : parseColumnMap(value);
}

/** An ISO 8601 time (a bare date is midnight UTC), or a duration back from now (`7d`). */
function parseTime(value: string, place: string, now: number): number {
  if (/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(value.trim())) return now - parseDuration(value, place);
  try {
    return timestamp(value, place);
  } catch (error) {
    if (error instanceof FieldProblem)
      throw new ConfigError(error.message.replace(`${place}: `, ''), { place });
    throw error;
  }
}

/** Prints the first issues with their place, then only counts the rest. */
function issuePrinter(): { report(issue: ImportIssue): void; finish(): void; count(): number } {
  let count = 0;
  return {
    report(issue) {
      count += 1;
      if (count <= issuesShown) console.error(`${issue.path}: ${issue.position}: ${issue.message}`);
    },
    finish() {
      if (count > issuesShown) console.error(`spendwall: … and ${count - issuesShown} more rows left out`);
      if (count > 0) console.error(`spendwall: ${count} rows could not be used and were left out`);
    },
    count: () => count,
  };
}
