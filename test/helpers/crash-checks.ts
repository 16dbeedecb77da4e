import { parseProviderCustomId } from '../../src/batch/pack.js';
import type { Emulator } from '../../src/emulator/index.js';
import { type LineFault, lineFault } from '../../src/emulator/openai/batch-faults.js';
import type { RecordedBatch } from '../../src/emulator/record.js';
import type { SqlExecutor } from '../../src/store/sql.js';
import { readJsonLines } from './json-lines.js';

/** One line of results.jsonl, as write-results.ts writes it. */
export interface ResultLine {
  custom_id: string;
  line: number;
  status: string;
  lane: string | null;
  attempts: number;
  response: { status_code: number | null; body: unknown } | null;
  error: { code?: string; message?: string } | null;
  cost_usd: number | null;
  realtime_cost_usd: number | null;
}

export function readResults(path: string): ResultLine[] {
  return readJsonLines<ResultLine>(path);
}

/** A provider batch as the emulator recorded it, with the one chunk its custom_ids name. */
export interface BatchOfChunk {
  batch: RecordedBatch;
  chunkIds: string[];
}

/** Every recorded batch with the chunk ids its custom_ids carry (one, if each batch is one chunk). */
export function chunksOfBatches(emulator: Emulator): BatchOfChunk[] {
  return emulator.record.batches.map((batch) => ({
    batch,
    chunkIds: [
      ...new Set(batch.customIds.map((customId) => parseProviderCustomId(customId)?.chunkId ?? '?')),
    ],
  }));
}

/** Chunk ids submitted as more than one provider batch, with those batches' ids. */
export function chunksSubmittedTwice(batches: readonly BatchOfChunk[]): Record<string, string[]> {
  const byChunk = new Map<string, string[]>();
  for (const { batch, chunkIds } of batches) {
    for (const chunkId of chunkIds) byChunk.set(chunkId, [...(byChunk.get(chunkId) ?? []), batch.id]);
  }
  return Object.fromEntries([...byChunk].filter(([, ids]) => ids.length > 1));
}

/** OpenAI batches sharing a `spendwall_chunk` metadata value. */
export function metadataChunksSubmittedTwice(emulator: Emulator): Record<string, string[]> {
  const byChunk = new Map<string, string[]>();
  for (const batch of emulator.record.batches) {
    if (batch.provider !== 'openai') continue;
    const chunkId = batch.metadata?.['spendwall_chunk'] ?? '(none)';
    byChunk.set(chunkId, [...(byChunk.get(chunkId) ?? []), batch.id]);
  }
  return Object.fromEntries([...byChunk].filter(([, ids]) => ids.length > 1));
}

/** Provider custom_ids (`<chunk>_<line>`) that appear in more than one batch. */
export function customIdsInTwoBatches(emulator: Emulator): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const batch of emulator.record.batches) {
    for (const customId of batch.customIds) {
      if (seen.has(customId)) twice.push(customId);
      seen.add(customId);
    }
  }
  return twice;
}

/** Provider batch ids the store knows, from chunks and from attempts. */
export async function storeBatchIds(store: SqlExecutor): Promise<Set<string>> {
  const rows = await store.all<{ id: string }>(
    `SELECT provider_batch_id AS id FROM chunks WHERE provider_batch_id IS NOT NULL
     UNION SELECT provider_batch_id AS id FROM attempts WHERE provider_batch_id IS NOT NULL`,
  );
  return new Set(rows.map((row) => row.id));
}

export interface LineHistory {
  /** The provider batches the line was sent in, in creation order, with the emulator's fault draw. */
  batches: Array<{ batch: RecordedBatch; fault: LineFault }>;
}

/** For each input line, every batch it was sent in and what the emulator's seeded faults drew for it. */
export function lineHistories(emulator: Emulator): Map<number, LineHistory> {
  const { seed, faults } = emulator.options;
  const histories = new Map<number, LineHistory>();
  for (const batch of emulator.record.batches) {
    for (const customId of batch.customIds) {
      const origin = parseProviderCustomId(customId);
      if (!origin) continue;
      const history = histories.get(origin.line) ?? { batches: [] };
      history.batches.push({ batch, fault: lineFault(faults.batches, seed, batch.number, customId) });
      histories.set(origin.line, history);
    }
  }
  return histories;
}

/**
 * Whether a line's final result is the one the emulator's faults imply: every batch but the last
 * failed it retryably (or expired before it ran), and the last one decided its state. Returns a
 * description of the mismatch, or null.
 */
export function explainMismatch(
  result: ResultLine,
  history: LineHistory | undefined,
  expiredBatchNumbers: readonly number[],
  maxAttempts: number,
): string | null {
  const batches = history?.batches ?? [];
  if (result.attempts !== batches.length) {
    return `${result.attempts} attempts in results, sent in ${batches.length} provider batches`;
  }
  if (batches.length === 0) return 'never sent to a provider';
  const expired = (entry: (typeof batches)[number]) => expiredBatchNumbers.includes(entry.batch.number);
  for (const entry of batches.slice(0, -1)) {
    if (entry.fault !== 'retryable' && !expired(entry)) {
      return `tried again after batch ${entry.batch.number}, where the emulator drew ${entry.fault ?? 'success'}`;
    }
  }
  const last = batches.at(-1)!;
  const expected =
    last.fault === 'invalid'
      ? ['failed_invalid']
      : last.fault === 'retryable'
        ? ['failed_retryable']
        : ['succeeded'];
  // In the batch that expired a line may not have run at all: it ends expired once out of tries.
  if (expired(last)) expected.push('expired');
  if (!expected.includes(result.status)) {
    return `ended ${result.status}; the last batch (${last.batch.number}) drew ${last.fault ?? 'success'}`;
  }
  if (
    (result.status === 'failed_retryable' || result.status === 'expired') &&
    result.attempts !== maxAttempts
  ) {
    return `ended ${result.status} after ${result.attempts} of ${maxAttempts} attempts`;
  }
  return null;
}
