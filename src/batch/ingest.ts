import { SpendwallError } from '../core/errors.js';
import { type JobRecord, recordIngestProgress } from '../store/jobs.js';
import { insertRejects, insertRequests, type NewRequest, type Reject } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { BodiesWriter } from './bodies-file.js';
import { type RejectedLine, readJobInputPages } from './input/index.js';
import type { IngestPacker } from './pack.js';

/** Lines committed per transaction: large enough to be fast, small enough to lose little on a crash. */
const linesPerCommit = 2000;

export interface IngestReport {
  accepted: number;
  rejected: number;
}

/**
 * Reads the job's input into the store. Each transaction commits a run of lines together with
 * the byte offset after them, so a crashed ingest resumes exactly where the last commit ended:
 * no line is lost and none is stored twice. Accepted lines' bodies are appended to the job's
 * bodies file in `folder`, synced before the transaction that records them and the file's new
 * length; a resumed ingest writes from that length again. With a `packer`, lines go into chunks
 * as they are read (stored `queued`), and the chunks are recorded in the same transactions.
 */
export async function ingest(
  driver: SqlDriver,
  job: JobRecord,
  now: () => number,
  folder: string,
  packer?: IngestPacker,
  onProgress?: (report: IngestReport) => void,
): Promise<IngestReport> {
  const bodies = BodiesWriter.open(folder, job.bodiesBytes);
  try {
    return await ingestLines(driver, job, now, bodies, packer, onProgress);
  } finally {
    bodies.close();
  }
}

async function ingestLines(
  driver: SqlDriver,
  job: JobRecord,
  now: () => number,
  bodies: BodiesWriter,
  packer: IngestPacker | undefined,
  onProgress?: (report: IngestReport) => void,
): Promise<IngestReport> {
  const report = { accepted: job.accepted, rejected: job.rejected };
  let requests: NewRequest[] = [];
  let rejected: RejectedLine[] = [];
  let lastLine = job.ingestLine;
  let lastOffset = job.ingestOffset;

  const commit = async (done: boolean) => {
    // The bodies are on disk before any row refers to them.
    bodies.sync();
    const bodiesBytes = bodies.length;
    const rejects: Reject[] = rejected.map((line) => ({
      line: line.line,
      customId: line.customId,
      code: line.code,
      reason: line.reason,
    }));
    const offset = lastOffset;
    const line = lastLine;
    const counts = await driver.transaction(async (executor) => {
      const duplicates = await insertRequests(executor, job.id, requests);
      for (const duplicate of duplicates) {
        rejects.push({
          line: duplicate.line,
          customId: duplicate.customId,
          code: 'duplicate_custom_id',
          reason: `custom_id '${duplicate.customId}' was already used on line ${duplicate.earlierLine}; the earlier line stands`,
        });
      }
      await insertRejects(executor, job.id, rejects);
      const batch = { accepted: requests.length - duplicates.length, rejected: rejects.length };
      await packer?.record(executor, done, now());
      await recordIngestProgress(executor, job.id, { offset, line, ...batch, bodiesBytes, done, now: now() });
      return batch;
    });
    report.accepted += counts.accepted;
    report.rejected += counts.rejected;
    requests = [];
    rejected = [];
    onProgress?.(report);
    if (job.settings.strict && counts.rejected > 0) {
      const first = rejects.slice().sort((a, b) => a.line - b.line)[0]!;
      throw new SpendwallError(`${first.reason} (--strict stops at the first bad line)`, {
        code: 'strict_reject',
        place: `${job.inputPath}:${first.line}`,
      });
    }
  };

  const pages = readJobInputPages(job.inputPath, {
    startOffset: job.ingestOffset,
    startLine: job.ingestLine + 1,
    maxLineBytes: job.settings.maxLineBytes,
    // Exact counts matter only against an enqueued-token limit, and pack counts them then.
    tokenEstimate: 'upper-bound',
    ...(job.settings.provider ? { provider: job.settings.provider } : {}),
    ...(job.settings.endpoint ? { endpoint: job.settings.endpoint } : {}),
  });
  for await (const page of pages) {
    for (const line of page) {
      if (line.kind === 'accepted') {
        const bodyOffset = bodies.append(line.body);
        requests.push({
          line: line.line,
          customId: line.customId,
          provider: line.provider,
          endpoint: line.endpoint,
          model: line.model,
          bodyOffset,
          bodyBytes: bodies.length - bodyOffset,
          estimatedTokens: line.estimatedInputTokens,
          chunkId:
            packer?.place({
              line: line.line,
              provider: line.provider,
              endpoint: line.endpoint,
              model: line.model,
              bodyBytes: bodies.length - bodyOffset,
              estimatedTokens: line.estimatedInputTokens,
            }) ?? null,
        });
      } else rejected.push(line);
      lastLine = line.line;
      lastOffset = line.endOffset;
      // Under --strict a bad line is committed at once, so the run stops on it.
      if (
        requests.length + rejected.length >= linesPerCommit ||
        (job.settings.strict && line.kind === 'rejected')
      ) {
        await commit(false);
      }
    }
  }
  await commit(true);
  return report;
}
