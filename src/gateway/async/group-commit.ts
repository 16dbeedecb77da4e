import { GatewayError } from '../errors.js';

export interface GroupCommitSettings {
  /**
   * Longest an item waits for companions before its group is written. 1 ms by default: on a busy
   * gateway a request's companions are still being parsed when it arrives, and waiting that long
   * made groups twice as large and halved the commits (bench/async-enqueue.ts); 0 writes at the
   * end of the current event-loop turn instead.
   */
  intervalMs: number;
  /** A group is written at once when this many items wait. */
  maxItems: number;
}

export const defaultGroupCommitSettings: GroupCommitSettings = { intervalMs: 1, maxItems: 512 };

interface Waiting<Item> {
  item: Item;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items queue up and are written together, one transaction per group, every
 * `intervalMs` or as soon as `maxItems` wait. Each `add()` resolves only after the transaction
 * that holds its item committed, and rejects if it did not; so a caller that answers after
 * `add()` never acknowledges work a crash could lose, while one commit (one fsync on Postgres,
 * one WAL append on SQLite) carries hundreds of acceptances.
 *
 * Groups are written one at a time: while one commits, the next gathers.
 */
export class GroupCommit<Item> {
  private waiting: Array<Waiting<Item>> = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private written = 0;

  constructor(
    private readonly write: (items: readonly Item[]) => Promise<void>,
    private readonly settings: GroupCommitSettings = defaultGroupCommitSettings,
  ) {}

  /** Queues an item; resolves once it is committed. */
  add(item: Item): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new GatewayError(503, 'the async lane is shutting down; send the request again', {
          type: 'server_error',
          code: 'lane_closed',
          isRetryable: true,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.settings.maxItems) this.kick();
      else this.timer ??= this.schedule();
    });
  }

  /** Groups committed so far (one transaction each). */
  get groups(): number {
    return this.written;
  }

  /** Items waiting for their group to be written. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Stops taking items and commits every one already taken. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.waiting.length > 0 || this.writing) {
      this.kick();
      await this.writing;
    }
  }

  private schedule(): NodeJS.Timeout | NodeJS.Immediate {
    const kick = () => this.kick();
    return this.settings.intervalMs > 0 ? setTimeout(kick, this.settings.intervalMs) : setImmediate(kick);
  }

  private kick(): void {
    if (this.timer) {
      if ('hasRef' in this.timer && 'refresh' in this.timer) clearTimeout(this.timer);
      else clearImmediate(this.timer);
      this.timer = undefined;
    }
    // One group at a time; the one gathering now is written as soon as the current one ends.
    if (this.writing || this.waiting.length === 0) return;
    const group = this.waiting.splice(0, this.settings.maxItems);
    this.writing = this.commit(group).finally(() => {
      this.writing = undefined;
      // What gathered during the commit has waited long enough: it goes next, at once.
      if (this.waiting.length > 0) this.kick();
    });
  }

  private async commit(group: Array<Waiting<Item>>): Promise<void> {
    try {
      await this.write(group.map((waiting) => waiting.item));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    this.written++;
    for (const waiting of group) waiting.resolve();
  }
}
