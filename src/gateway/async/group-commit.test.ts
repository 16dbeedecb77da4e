import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A write that commits only when the test says so, recording each group it was given. */
function controlledWrite() {
  const groups: number[][] = [];
  const releases: Array<(error?: Error) => void> = [];
  const write = (items: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      groups.push([...items]);
      releases.push((error) => (error ? reject(error) : resolve()));
    });
  return { groups, releases, write };
}

describe('group commit', () => {
  it('resolves an add only after the transaction holding it committed', async () => {
    const { groups, releases, write } = controlledWrite();
    const commit = new GroupCommit(write, { intervalMs: 1, maxItems: 100 });
    let resolved = false;
    const added = commit.add(1).then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(groups).toEqual([[1]]);
    expect(resolved).toBe(false);
    releases[0]!();
    await added;
    expect(resolved).toBe(true);
  });

  it('writes many concurrent adds in few transactions, every item exactly once', async () => {
    const written: number[] = [];
    let transactions = 0;
    const commit = new GroupCommit<number>(
      async (items) => {
        transactions++;
        await new Promise((resolve) => setTimeout(resolve, 2));
        written.push(...items);
      },
      { intervalMs: 2, maxItems: 256 },
    );
    await Promise.all(Array.from({ length: 5_000 }, (_, index) => commit.add(index)));
    expect(written.sort((left, right) => left - right)).toEqual(
      Array.from({ length: 5_000 }, (_, index) => index),
    );
    expect(transactions).toBeLessThanOrEqual(40);
    expect(transactions).toBeGreaterThanOrEqual(20);
  });

  it('rejects every add of a group whose transaction failed, and goes on with the next', async () => {
    const { releases, write } = controlledWrite();
    const commit = new GroupCommit(write, { intervalMs: 1, maxItems: 2 });
    const first = [commit.add(1), commit.add(2)];
    const second = commit.add(3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    releases[0]!(new Error('disk full'));
    await expect(Promise.all(first)).rejects.toThrow('disk full');
    await new Promise((resolve) => setTimeout(resolve, 10));
    releases[1]!();
    await expect(second).resolves.toBeUndefined();
  });

  it('on close commits what it took and refuses new items, retryably', async () => {
    const written: number[] = [];
    const commit = new GroupCommit<number>(
      async (items) => {
        written.push(...items);
      },
      { intervalMs: 1_000, maxItems: 1_000 },
    );
    const taken = [commit.add(1), commit.add(2)];
    await commit.close();
    await Promise.all(taken);
    expect(written).toEqual([1, 2]);
    await expect(commit.add(3)).rejects.toMatchObject({ code: 'lane_closed', isRetryable: true });
  });
});
