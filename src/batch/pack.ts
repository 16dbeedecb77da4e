import { newId } from '../core/ids.js';
import type { ProviderAdapterV1, ProviderName } from '../providers/provider.js';
import { chunksInStates, insertChunk } from '../store/chunks.js';
import { assignToChunk, type PackingRow, pendingGroups, pendingPage } from '../store/requests.js';
import type { SqlDriver, SqlExecutor } from '../store/sql.js';
import { BodiesReader } from './bodies-file.js';
import { estimateInputTokens, type InputEndpoint } from './input/index.js';
import type { EngineSettings } from './job-options.js';

/** Chunk ids have a fixed length so a line's encoded size is known before its chunk exists. */
export const chunkIdPrefix = 'ck';
const chunkIdLength = 16;

/** The custom_id a request carries at the provider: its chunk and its line, within `[a-z0-9_]{1,64}`. */
export function providerCustomId(chunkId: string, line: number): string {
  return `${chunkId}_${line}`;
}

/** The chunk and line a provider custom_id names, or undefined when it is not one of Spendwall's. */
export function parseProviderCustomId(customId: string): { chunkId: string; line: number } | undefined {
  const match = /^(ck[a-z0-9]+)_(\d+)$/.exec(customId);
  return match ? { chunkId: match[1]!, line: Number(match[2]) } : undefined;
}

/** The token limit for a model: `provider:model`, then `model`, then `*`; Infinity when none is set. */
export function enqueuedTokenLimit(settings: EngineSettings, provider: string, model: string): number {
  const limits = settings.enqueuedTokenLimits;
  return limits[`${provider}:${model}`] ?? limits[model] ?? limits['*'] ?? Number.POSITIVE_INFINITY;
}

/** What a chunk of one (provider, endpoint, model) group may hold, and the bytes a line adds besides its body. */
function groupLimits(
  adapter: ProviderAdapterV1,
  settings: EngineSettings,
  group: { provider: string; endpoint: string; model: string },
) {
  const limits = adapter.batch.limits;
  return {
    maxRequests: Math.min(limits.maxRequests, settings.chunkMaxRequests ?? Number.POSITIVE_INFINITY),
    maxBytes: Math.min(limits.maxBytes, settings.chunkMaxBytes ?? Number.POSITIVE_INFINITY),
    maxTokens: enqueuedTokenLimit(settings, group.provider, group.model),
    // The envelope with a custom_id of the longest form, and the line break.
    envelope:
      Buffer.byteLength(
        adapter.batch.encode({
          customId: providerCustomId(chunkIdPrefix + 'x'.repeat(chunkIdLength), 0),
          endpoint: group.endpoint,
          model: group.model,
          body: '',
        }),
      ) + 1,
  };
}

/** A line's bytes in the provider's batch file: its body, the envelope and the line number in its custom_id. */
function lineBytes(bodyBytes: number, envelope: number, line: number): number {
  return bodyBytes + envelope + String(line).length;
}

/**
 * Packs a job's pending requests into planned chunks that fit the provider's limits: requests,
 * bytes, one endpoint and model per chunk, and the model's enqueued-token limit (a chunk never
 * holds more than the limit, so it can always be submitted once the queue has room). Bodies are
 * read (from the job's bodies file in `folder`) only to count tokens against such a limit.
 */
export async function packPending(
  driver: SqlDriver,
  jobId: string,
  folder: string,
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>,
  settings: EngineSettings,
  now: () => number,
): Promise<number> {
  let created = 0;
  for (const group of await pendingGroups(driver, jobId)) {
    const adapter = providers[group.provider as ProviderName];
    if (!adapter) continue;
    const { maxRequests, maxBytes, maxTokens, envelope } = groupLimits(adapter, settings, group);

    let current: { first: number; last: number; count: number; bytes: number; tokens: number } | undefined;
    const close = async () => {
      if (!current) return;
      const chunk = current;
      current = undefined;
      const id = chunkIdPrefix + newId('', chunkIdLength);
      await driver.transaction(async (executor) => {
        await insertChunk(executor, {
          id,
          jobId,
          provider: group.provider,
          endpoint: group.endpoint,
          model: group.model,
          requestCount: chunk.count,
          bytes: chunk.bytes,
          estimatedTokens: chunk.tokens,
          now: now(),
        });
        await assignToChunk(executor, jobId, id, group, chunk.first, chunk.last);
      });
      created++;
    };

    // Ingest stores an upper bound of each request's tokens. Against a limit, the real count is
    // taken, so chunks fill up to the limit as the provider counts; without one, nothing is counted.
    const exact = Number.isFinite(maxTokens);
    const bodies = new BodiesReader(folder);
    let afterLine = 0;
    for (;;) {
      const page: PackingRow[] = await pendingPage(driver, jobId, group, afterLine, 5000, exact);
      if (page.length === 0) break;
      if (exact) {
        // Counted for the whole page first, so the file is closed again before anything awaits.
        try {
          for (const row of page) {
            row.estimatedTokens = estimateInputTokens(
              group.endpoint as InputEndpoint,
              JSON.parse(bodies.bodyOf(row)) as Record<string, unknown>,
            );
          }
        } finally {
          bodies.close();
        }
      }
      for (const row of page) {
        const bytes = lineBytes(row.bodyBytes, envelope, row.line);
        const fits =
          current &&
          current.count + 1 <= maxRequests &&
          current.bytes + bytes <= maxBytes &&
          current.tokens + row.estimatedTokens <= maxTokens;
        if (current && !fits) await close();
        if (!current) current = { first: row.line, last: row.line, count: 0, bytes: 0, tokens: 0 };
        current.last = row.line;
        current.count++;
        current.bytes += bytes;
        current.tokens += row.estimatedTokens;
      }
      afterLine = page.at(-1)!.line;
    }
    await close();
  }
  return created;
}

interface OpenChunk {
  id: string;
  group: { provider: string; endpoint: string; model: string };
  count: number;
  bytes: number;
  tokens: number;
  /** Whether its row exists (it was recorded by an earlier commit, or an earlier run). */
  stored: boolean;
  /** Full: no more lines go in; recorded `planned` at the next commit. */
  sealed: boolean;
}

interface GroupPacking {
  limits: ReturnType<typeof groupLimits> | undefined;
  open: OpenChunk | undefined;
}

/**
 * Packs requests into chunks as ingest reads them, so that they are stored `queued` in their
 * chunk at once rather than stored `pending`, read back and moved into a chunk (which rewrote
 * every request row and its index entries a second time). A chunk being filled is recorded
 * `filling` with each ingest commit and becomes `planned` when full or when the input ends; a
 * resumed ingest goes on filling the chunks an earlier run left `filling`.
 *
 * Lines of a provider with no adapter, or of a model with an enqueued-token limit (whose chunks
 * are filled by exact token counts, not ingest's upper bounds), are left to `packPending`.
 */
export class IngestPacker {
  private readonly groups = new Map<string, GroupPacking>();
  /** Chunks given lines since the last `record`. */
  private readonly touched = new Set<OpenChunk>();
  private last: { provider: string; endpoint: string; model: string; packing: GroupPacking } | undefined;

  private constructor(
    private readonly jobId: string,
    private readonly providers: Partial<Record<ProviderName, ProviderAdapterV1>>,
    private readonly settings: EngineSettings,
  ) {}

  /** A packer for the job, going on with the chunks an earlier run of its ingest left `filling`. */
  static async open(
    executor: SqlExecutor,
    jobId: string,
    providers: Partial<Record<ProviderName, ProviderAdapterV1>>,
    settings: EngineSettings,
  ): Promise<IngestPacker> {
    const packer = new IngestPacker(jobId, providers, settings);
    for (const chunk of await chunksInStates(executor, jobId, ['filling'])) {
      const group = { provider: chunk.provider, endpoint: chunk.endpoint, model: chunk.model };
      packer.groupOf(group).open = {
        id: chunk.id,
        group,
        count: chunk.requestCount,
        bytes: chunk.bytes,
        tokens: chunk.estimatedTokens,
        stored: true,
        sealed: false,
      };
    }
    return packer;
  }

  /** The chunk the line goes in, or null when it is left pending for `packPending`. */
  place(line: {
    line: number;
    provider: string;
    endpoint: string;
    model: string;
    bodyBytes: number;
    estimatedTokens: number;
  }): string | null {
    const packing = this.groupOf(line);
    const limits = packing.limits;
    if (!limits) return null;
    const bytes = lineBytes(line.bodyBytes, limits.envelope, line.line);
    let chunk = packing.open;
    if (chunk && (chunk.count + 1 > limits.maxRequests || chunk.bytes + bytes > limits.maxBytes)) {
      chunk.sealed = true;
      this.touched.add(chunk);
      chunk = undefined;
    }
    if (!chunk) {
      chunk = {
        id: chunkIdPrefix + newId('', chunkIdLength),
        group: { provider: line.provider, endpoint: line.endpoint, model: line.model },
        count: 0,
        bytes: 0,
        tokens: 0,
        stored: false,
        sealed: false,
      };
      packing.open = chunk;
    }
    chunk.count++;
    chunk.bytes += bytes;
    chunk.tokens += line.estimatedTokens;
    this.touched.add(chunk);
    return chunk.id;
  }

  /**
   * Records the chunks given lines since the last call, in the ingest's transaction after its
   * requests were stored; `done` (the input ended) makes every open chunk `planned`. A chunk
   * becomes `planned` with the count of its requests the store holds (a line refused as a
   * duplicate custom_id is not among them); one that holds none is removed. The packer's own
   * state moves with the records: after a failed commit the ingest stops, and the next run opens
   * a new packer from what was committed.
   */
  async record(executor: SqlExecutor, done: boolean, now: number): Promise<void> {
    if (done) {
      for (const packing of this.groups.values()) {
        if (packing.open) {
          packing.open.sealed = true;
          this.touched.add(packing.open);
          packing.open = undefined;
        }
      }
    }
    for (const chunk of this.touched) {
      if (!chunk.stored) {
        await insertChunk(executor, {
          id: chunk.id,
          jobId: this.jobId,
          ...chunk.group,
          requestCount: chunk.count,
          bytes: chunk.bytes,
          estimatedTokens: chunk.tokens,
          state: 'filling',
          now,
        });
        chunk.stored = true;
      }
      if (chunk.sealed) {
        const held = await executor.get<{ count: number }>(
          'SELECT COUNT(*) AS count FROM requests WHERE chunk_id = ?',
          [chunk.id],
        );
        const count = Number(held?.count ?? 0);
        if (count === 0) await executor.run('DELETE FROM chunks WHERE id = ?', [chunk.id]);
        else
          await executor.run(
            "UPDATE chunks SET state = 'planned', request_count = ?, bytes = ?, estimated_tokens = ?, updated_at = ? WHERE id = ?",
            [count, chunk.bytes, chunk.tokens, now, chunk.id],
          );
      } else {
        await executor.run(
          'UPDATE chunks SET request_count = ?, bytes = ?, estimated_tokens = ?, updated_at = ? WHERE id = ?',
          [chunk.count, chunk.bytes, chunk.tokens, now, chunk.id],
        );
      }
    }
    this.touched.clear();
  }

  private groupOf(group: { provider: string; endpoint: string; model: string }): GroupPacking {
    // Most input files are one group throughout: the last one is compared before a key is built.
    const last = this.last;
    if (
      last &&
      last.provider === group.provider &&
      last.endpoint === group.endpoint &&
      last.model === group.model
    )
      return last.packing;
    const key = `${group.provider}\u0000${group.endpoint}\u0000${group.model}`;
    let packing = this.groups.get(key);
    if (!packing) {
      const adapter = this.providers[group.provider as ProviderName];
      const limits = adapter ? groupLimits(adapter, this.settings, group) : undefined;
      packing = {
        limits: limits && !Number.isFinite(limits.maxTokens) ? limits : undefined,
        open: undefined,
      };
      this.groups.set(key, packing);
    }
    this.last = { provider: group.provider, endpoint: group.endpoint, model: group.model, packing };
    return packing;
  }
}
