import { hostname } from 'node:os';
import { SpendwallError } from '../core/errors.js';
import { acquireLease, getJob, releaseLease } from '../store/jobs.js';
import type { SqlDriver } from '../store/sql.js';

/**
 * One runner per job at a time. The lease names its holder (`host:pid:nonce`); a holder on this
 * host whose process is gone is known dead at once, others are waited out (the lease lapses).
 */
export class JobLease {
  readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private lost = false;

  constructor(
    private readonly driver: SqlDriver,
    private readonly jobId: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Takes the lease or throws a clear error naming who holds it. */
  async acquire(): Promise<void> {
    if (await acquireLease(this.driver, this.jobId, this.owner, this.now(), this.ttlMs)) {
      this.startRenewing();
      return;
    }
    const job = await getJob(this.driver, this.jobId);
    const holder = job?.leaseOwner;
    if (holder && holderIsDeadHere(holder)) {
      await releaseLease(this.driver, this.jobId, holder);
      if (await acquireLease(this.driver, this.jobId, this.owner, this.now(), this.ttlMs)) {
        this.startRenewing();
        return;
      }
    }
    throw new SpendwallError(
      `job ${this.jobId} is being run by ${describeHolder(holder)}; wait for it, or stop it first`,
      { code: 'job_busy', isRetryable: true },
    );
  }

  /** False once another runner took the job over (this one must stop touching it). */
  get held(): boolean {
    return !this.lost;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await releaseLease(this.driver, this.jobId, this.owner).catch(() => undefined);
  }

  private startRenewing(): void {
    this.timer = setInterval(
      () => {
        acquireLease(this.driver, this.jobId, this.owner, this.now(), this.ttlMs)
          .then((renewed) => {
            if (!renewed) this.lost = true;
          })
          .catch(() => undefined);
      },
      Math.max(100, this.ttlMs / 3),
    );
    this.timer.unref();
  }
}

/**
 * Whether another runner holds the job's lease now: an unexpired lease whose holder is not known
 * dead. Read-only: a caller that would take the job uses `JobLease.acquire`; this lets one that
 * only looks (a gateway taking over open flushes) skip preparing work a live process is doing.
 */
export async function heldByAnotherRunner(driver: SqlDriver, jobId: string, now: number): Promise<boolean> {
  const job = await getJob(driver, jobId);
  const holder = job?.leaseOwner;
  if (!holder || job.leaseExpiresAt === null || job.leaseExpiresAt < now) return false;
  return !holderIsDeadHere(holder);
}

function holderIsDeadHere(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describeHolder(holder: string | null | undefined): string {
  if (!holder) return 'another runner';
  const [host, pid] = holder.split(':');
  return `process ${pid} on ${host}`;
}
