import type { PriceBook } from '../prices/index.js';
import type { ProviderAdapterV1, ProviderName, RequestResult } from '../providers/provider.js';
import { applyOutcomes, endPendingRequests, unlimitedAttempts } from '../store/outcomes.js';
import { pendingWithBodies } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { BodiesReader } from './bodies-file.js';
import { outcomeOf } from './costing.js';

/**
 * Runs a job's pending requests on the realtime lane with bounded concurrency: what the batch
 * lane could not finish before the deadline. Each call's cost is recorded as a deadline fallback.
 * Bodies are read from the job's bodies file in `folder`.
 */
export async function runPendingRealtime(
  driver: SqlDriver,
  job: { id: string; workload: string },
  folder: string,
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>,
  prices: PriceBook,
  concurrency: number,
  now: () => number,
  signal?: AbortSignal,
): Promise<number> {
  let done = 0;
  let afterLine = 0;
  const bodies = new BodiesReader(folder);
  for (;;) {
    const page = await pendingWithBodies(driver, job.id, afterLine, concurrency * 4);
    if (page.length === 0 || signal?.aborted) return done;
    afterLine = page.at(-1)!.line;
    // The page's bodies are read at once and the file closed, before the calls' awaits.
    let texts: string[];
    try {
      texts = page.map((request) => bodies.bodyOf(request));
    } finally {
      bodies.close();
    }
    let next = 0;
    const worker = async () => {
      while (next < page.length && !signal?.aborted) {
        const index = next++;
        const request = page[index]!;
        const adapter = providers[request.provider as ProviderName];
        if (!adapter) continue;
        const result = await adapter
          .call({
            customId: request.customId,
            endpoint: request.endpoint,
            model: request.model,
            body: texts[index]!,
          })
          .catch(
            (error: unknown): RequestResult => ({
              customId: request.customId,
              outcome: 'failed_retryable',
              statusCode: null,
              body: null,
              error: {
                code: 'connection_error',
                message: error instanceof Error ? error.message : String(error),
              },
              usage: null,
            }),
          );
        const outcome = outcomeOf(result, prices, {
          line: request.line,
          provider: request.provider,
          model: request.model,
          lane: 'realtime',
          chunkId: null,
          providerBatchId: null,
          retry: false,
          deadlineFallback: true,
        });
        await driver.transaction((executor) =>
          applyOutcomes(
            executor,
            {
              jobId: job.id,
              workload: job.workload,
              provider: request.provider,
              model: request.model,
              endpoint: request.endpoint,
              now: now(),
            },
            unlimitedAttempts,
            [outcome],
          ),
        );
        done++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.length) }, worker));
  }
}

/** With `--on-deadline fail`: what is still pending ends as expired, saying why. */
export async function failPendingAtDeadline(
  driver: SqlDriver,
  jobId: string,
  now: () => number,
): Promise<number> {
  return endPendingRequests(
    driver,
    jobId,
    'expired',
    JSON.stringify({
      code: 'deadline_exceeded',
      message: 'the job deadline passed before the batch lane finished',
    }),
    now(),
  );
}
