import { join } from 'node:path';
import { spendwallHome } from '../store/open-store.js';
import { type ImportSource, parseImportSpec, readUsage } from './import/index.js';
import type { ImportIssue, UsageRecord } from './usage-record.js';

export interface SourceOptions {
  /** `FORMAT:PATH` specs, as given to `--import`. */
  imports: readonly string[];
  /** Read Spendwall's own ledger too. */
  ledger: boolean;
  /** The ledger's store: a SQLite file or a postgres:// URL (default: the store under SPENDWALL_HOME). */
  database?: string | undefined;
}

export interface OpenedSources {
  /** Every source's records, one source after the other. */
  records: AsyncIterable<UsageRecord>;
  /** `litellm:spend.csv`, `ledger:…` — for the report's header (a ledger URL without its password). */
  names: string[];
  /** Rows left out, with their place: the first 100 kept, all counted. */
  issues: ImportIssue[];
  issueCount(): number;
}

const keptIssues = 100;

/** Turns `--import` and `--ledger` into one stream of records; bad specs throw before anything is read. */
export function openSources(options: SourceOptions): OpenedSources {
  const sources: ImportSource[] = options.imports.map(parseImportSpec);
  if (options.ledger) {
    const database =
      options.database ?? process.env['SPENDWALL_DATABASE_URL'] ?? join(spendwallHome(), 'spendwall.db');
    sources.push({ format: 'ledger', path: database });
  }
  const issues: ImportIssue[] = [];
  let count = 0;
  const onIssue = (issue: ImportIssue) => {
    count++;
    if (issues.length < keptIssues) issues.push(issue);
  };
  async function* records(): AsyncGenerator<UsageRecord> {
    for (const source of sources) yield* readUsage(source, { onIssue });
  }
  return {
    records: records(),
    names: sources.map(
      (source) => `${source.format}:${source.path.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')}`,
    ),
    issues,
    issueCount: () => count,
  };
}
