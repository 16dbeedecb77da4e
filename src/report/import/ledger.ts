import type { Lane } from '../../prices/types.js';
import { openStore, type Store } from '../../store/open-store.js';
import type { SqlExecutor } from '../../store/sql.js';
import type { UsageRecord } from '../usage-record.js';
import type { ImportOptions, ImportSource } from './types.js';

/**
 * Spendwall's own ledger: one row per executed request, read in pages ordered by
 * (created_at, id) so that memory stays bounded and a page boundary never drops or repeats a row
 * (keyset paging: rows with the same created_at are told apart by id).
 */

export interface ReadLedgerOptions {
  /** Rows created at or after this time (epoch ms). */
  since?: number;
  /** Rows created before this time (epoch ms). */
  until?: number;
  /** Rows per query; default 5,000. */
  pageSize?: number;
  /** What `origin.path` says; default the executor's dialect. */
  location?: string;
}

interface LedgerRow {
  id: string;
  job_id: string | null;
  line: number | null;
  workload: string;
  team: string | null;
  provider: string;
  model: string;
  endpoint: string;
  lane: string;
  input_tokens: number;
  cached_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
  cost_nanousd: number | null;
  deadline_fallback: number;
  created_at: number;
}

const columns =
  'id, job_id, line, workload, team, provider, model, endpoint, lane, input_tokens, cached_input_tokens, ' +
  'cache_creation_input_tokens, output_tokens, cost_nanousd, deadline_fallback, created_at';

const maxTime = Number.MAX_SAFE_INTEGER;

export async function* readLedger(
  store: Pick<Store, 'driver' | 'location'> | SqlExecutor,
  options: ReadLedgerOptions = {},
): AsyncGenerator<UsageRecord> {
  const executor = 'all' in store ? store : store.driver;
  const location = options.location ?? ('location' in store ? store.location : executor.dialect);
  const pageSize = options.pageSize ?? 5000;
  const until = options.until ?? maxTime;
  let afterTime = (options.since ?? 0) - 1;
  let afterId = '';
  for (;;) {
    const rows = await executor.all<LedgerRow>(
      `SELECT ${columns} FROM ledger
       WHERE (created_at > ? OR (created_at = ? AND id > ?)) AND created_at < ?
       ORDER BY created_at, id LIMIT ?`,
      [afterTime, afterTime, afterId, until, pageSize],
    );
    for (const row of rows) yield toRecord(row, location);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    afterTime = Number(last.created_at);
    afterId = last.id;
  }
}

function toRecord(row: LedgerRow, location: string): UsageRecord {
  const record: UsageRecord = {
    startedAt: Number(row.created_at),
    requests: 1,
    provider: row.provider,
    model: row.model,
    lane: row.lane as Lane,
    endpoint: row.endpoint,
    workload: row.workload,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    requestId: row.id,
    origin: {
      format: 'ledger',
      path: location,
      position: row.job_id === null ? `ledger ${row.id}` : `job ${row.job_id} line ${row.line}`,
    },
  };
  if (row.team !== null) record.team = row.team;
  const cached = Number(row.cached_input_tokens);
  if (cached > 0) record.cachedInputTokens = cached;
  const written = Number(row.cache_creation_input_tokens);
  if (written > 0) record.cacheCreationInputTokens = written;
  if (row.cost_nanousd !== null) record.costNanoUsd = Number(row.cost_nanousd);
  if (Number(row.deadline_fallback) === 1) record.deadlineFallback = true;
  return record;
}

/** `--import ledger:PATH`: a SQLite file or a `postgres://` URL, opened for the read and closed after. */
export async function* readLedgerSource(
  source: ImportSource,
  _options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  const store = await openStore({ databaseUrl: source.path });
  try {
    yield* readLedger(store);
  } finally {
    await store.close();
  }
}
