import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngineDependencies } from '../../batch/run-job.js';
import { newId } from '../../core/ids.js';
import { type FlushReason, openFlushes, planFlush, type QueuedGroup, queuedGroups } from './flush-records.js';
import { type FlushEnd, runFlush } from './flush-runner.js';
import { dueFlushes, type FlushSettings } from './flush-triggers.js';

/**
 * Carries queued requests into the batch lane: every `checkIntervalMs` it looks at what waits per
 * (team, workload, provider, model), flushes the groups that are due (size, age or deadline
 * pressure) and runs each flush in the background through the engine. Started, and then every
 * `adoptIntervalMs`, it takes up open flushes that no process runs any more: a previous run of this
 * process, or another gateway on the same database that died holding them (the engine's job
 * lease says who runs a job; a flush whose job is still held is left to its holder).
 */
export class Flusher {
  private readonly running = new Set<Promise<FlushEnd>>();
  /** Ids of the flushes with a run in this process. */
  private readonly tracked = new Set<string>();
  private adoptTimer: NodeJS.Timeout | undefined;
  private adopting: Promise<void> | undefined;
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly engine: Omit<EngineDependencies, 'signal'>,
    private readonly folder: string,
    private readonly settings: FlushSettings,
    private readonly options: { keepFiles: boolean; onError: (error: unknown) => void },
  ) {
    this.now = engine.now ?? Date.now;
  }

  /** Resumes unfinished flushes, then checks the queue (and for orphaned flushes) on timers. */
  async start(): Promise<void> {
    await this.adopt();
    this.timer = setInterval(() => void this.check(), this.settings.checkIntervalMs);
    this.timer.unref();
    this.adoptTimer = setInterval(() => void this.adopt(), this.settings.adoptIntervalMs);
    this.adoptTimer.unref();
  }

  /**
   * Takes up the open flushes this process does not run. One whose job another live process
   * holds comes back `busy` and is left alone until the next look. A flush whose files are under
   * a folder this machine does not have (a gateway on another host with another home) is left to
   * a process that has it.
   */
  adopt(): Promise<void> {
    this.adopting ??= (async () => {
      if (this.stop.signal.aborted) return;
      for (const flush of await openFlushes(this.engine.store.driver)) {
        if (this.tracked.has(flush.id) || !existsSync(dirname(flush.inputPath))) continue;
        this.track(flush);
      }
    })()
      .catch(this.options.onError)
      .finally(() => {
        this.adopting = undefined;
      });
    return this.adopting;
  }

  /** Looks at the queue once and starts the flushes that are due; resolves once they are started. */
  check(): Promise<void> {
    this.checking ??= this.startDue()
      .catch(this.options.onError)
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  /** Flushes every queued group now, due or not (tests, and `spendwall` tools that drain). */
  async flushAll(reason: FlushReason = 'close'): Promise<void> {
    for (const group of await queuedGroups(this.engine.store.driver)) await this.flush(group, reason);
  }

  /** Resolves once every flush started so far has ended or stopped. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  get flushesRunning(): number {
    return this.running.size;
  }

  /** Stops the timer and asks running flushes to stop at the engine's next safe point. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.adoptTimer) clearInterval(this.adoptTimer);
    await this.checking;
    await this.adopting;
    this.stop.abort();
    await this.settled();
  }

  private async startDue(): Promise<void> {
    if (this.stop.signal.aborted) return;
    const room = this.settings.maxConcurrent - this.running.size;
    if (room <= 0) return;
    const due = dueFlushes(await queuedGroups(this.engine.store.driver), this.now(), this.settings);
    for (const { group, reason } of due.slice(0, room)) await this.flush(group, reason);
  }

  private async flush(group: QueuedGroup, reason: FlushReason): Promise<void> {
    const id = newId('flush_');
    const planned = await this.engine.store.driver.transaction((executor) =>
      planFlush(
        executor,
        {
          id,
          team: group.team,
          workload: group.workload,
          provider: group.provider,
          model: group.model,
          reason,
          inputPath: join(this.folder, `${id}.jsonl`),
          outputPath: join(this.folder, `${id}.results.jsonl`),
        },
        this.settings.maxRequests,
        this.now(),
      ),
    );
    if (planned.claimed === 0) return;
    this.track({
      id,
      ...group,
      reason,
      requestCount: planned.claimed,
      inputPath: join(this.folder, `${id}.jsonl`),
      outputPath: join(this.folder, `${id}.results.jsonl`),
      deadlineAt: planned.deadlineAt,
      state: 'planned',
      jobId: null,
    });
  }

  private track(flush: Parameters<typeof runFlush>[0]): void {
    this.tracked.add(flush.id);
    const run = runFlush(
      flush,
      { ...this.engine, signal: this.stop.signal },
      { keepFiles: this.options.keepFiles },
    )
      .catch((error: unknown) => {
        // A store or disk failure mid-copy: the flush stays open and is taken up on a later look.
        this.options.onError(error);
        return 'stopped' as const;
      })
      .finally(() => {
        this.running.delete(run);
        this.tracked.delete(flush.id);
      });
    this.running.add(run);
  }
}
