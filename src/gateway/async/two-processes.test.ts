import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seededRandom } from '../../core/random.js';
import { createEmulator } from '../../emulator/index.js';
import { openStore } from '../../store/open-store.js';
import { testDatabases } from '../../store/test-databases.js';
import { expectEveryRequestCompleted } from './crash-checks.js';
import { countAsyncRequests } from './request-records.js';
import { type CrashChild, startCrashChild } from './test-support.js';

/**
 * Two gateway processes sharing one Postgres database, as the gateway scales: process A accepts
 * 600 requests, then A and B both flush them through the engine, each with its own home folder.
 * B runs to its end; A is SIGKILLed at random moments and restarted, its last run going to its
 * end. Every request must end exactly once and reach the provider in one batch only, and B must
 * have done part of the work. Then A is killed once for good, holding flushes it claimed after B
 * started: B, already running, must take them over and end them.
 */
const postgres = testDatabases.find((database) => database.name === 'postgres');
const requestCount = 600;
const killedRuns = 8;

describe.skipIf(!postgres)(
  'two gateway processes on one Postgres database, one killed again and again',
  () => {
    const cleanups: Array<() => unknown> = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    /**
     * A fresh database, an emulator and a home folder for each of the two processes. A slow
     * emulated clock (a provider batch lasts about 2 s) keeps batches in flight while processes
     * die and restart, so they are killed while the other works, not after the queue is empty.
     */
    const setUp = async (seed: number) => {
      const database = await postgres!.create();
      cleanups.push(() => database.dispose());
      const emulator = createEmulator({ clock: { scale: 50 }, seed });
      const url = await emulator.listen(0);
      cleanups.push(() => emulator.close());
      const homes = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'spendwall-two-processes-')));
      cleanups.push(() => {
        for (const home of homes) rmSync(home, { recursive: true, force: true });
      });
      return { database, emulator, url, homes };
    };

    it('ends every request exactly once and never submits a request twice', async () => {
      const { database, emulator, url, homes } = await setUp(7);
      // Each process reaches the emulator through its own forwarder, which notes the batches that
      // process created: the emulator itself cannot tell its callers apart.
      const viaA = await batchCreationsThrough(url);
      const viaB = await batchCreationsThrough(url);
      cleanups.push(viaA.close, viaB.close);
      // Small flushes (10 requests), so both processes claim flushes from the one queue.
      const shared = {
        SPENDWALL_DATABASE_URL: database.url,
        REQUEST_COUNT: String(requestCount),
        FLUSH_MAX_REQUESTS: '10',
      };
      const environmentA = { ...shared, SPENDWALL_HOME: homes[0], EMULATOR_URL: viaA.url };
      const environmentB = { ...shared, SPENDWALL_HOME: homes[1], EMULATOR_URL: viaB.url, ACCEPT: '0' };
      const random = seededRandom(17);
      let a: CrashChild | undefined;
      let b: CrashChild | undefined;
      // Whatever happens, no process outlives the test (kill is a no-op once a process has exited).
      cleanups.push(() => {
        a?.process.kill('SIGKILL');
        b?.process.kill('SIGKILL');
      });
      let kills = 0;

      for (let run = 0; ; run++) {
        a = startCrashChild(environmentA);
        // Killed at a random moment after acceptance, for the first runs; the last runs to its end.
        if (run < killedRuns) {
          await a.says('accepted');
          // B starts once every request is accepted, and only flushes.
          b ??= startCrashChild(environmentB);
          await Promise.race([a.exited, new Promise((resolve) => setTimeout(resolve, 100 + random() * 900))]);
          if (a.process.exitCode === null) {
            a.process.kill('SIGKILL');
            kills++;
          }
        }
        const [code, signal] = await a.exited;
        if (signal === null) {
          expect(code, a.output.text).toBe(0);
          if (a.output.text.includes('done')) break;
        }
        expect(run, 'process A never finished').toBeLessThan(20);
      }
      const [code, signal] = await b!.exited;
      expect({ code, signal }, b!.output.text).toEqual({ code: 0, signal: null });
      expect(b!.output.text).toContain('done');

      const store = await openStore({ databaseUrl: database.url });
      try {
        await expectEveryRequestCompleted(store.driver, requestCount);
        // Every request was claimed by one flush only, every flush ended, and B claimed some of them
        // (a flush's files live in the home of the process that claimed it).
        const flushes = await store.driver.all<{ state: string; request_count: number; input_path: string }>(
          'SELECT state, request_count, input_path FROM async_flushes',
        );
        expect(flushes.reduce((sum, flush) => sum + Number(flush.request_count), 0)).toBe(requestCount);
        expect(flushes.filter((flush) => flush.state !== 'done')).toEqual([]);
        expect(
          flushes.filter((flush) => flush.input_path.startsWith(`${homes[1]}${sep}`)).length,
        ).toBeGreaterThan(0);
      } finally {
        await store.close();
      }

      // Each request went to the provider in exactly one batch (one provider batch per chunk).
      const chunks = emulator.record.batches.map((batch) => batch.metadata?.['spendwall_chunk']);
      expect(new Set(chunks).size).toBe(chunks.length);
      const sent = emulator.record.batches.reduce((sum, batch) => sum + batch.requestCount, 0);
      expect(sent).toBe(requestCount);
      // Every batch was created by exactly one of the two processes, and B created some.
      const created = [...viaA.created, ...viaB.created].sort();
      expect(created).toEqual(emulator.record.batches.map((batch) => batch.id).sort());
      expect(viaB.created.length).toBeGreaterThan(0);
      expect(kills).toBeGreaterThanOrEqual(4);
    }, 180_000);

    it('lets a running process take over the flushes of one that died and is not restarted', async () => {
      const { database, emulator, url, homes } = await setUp(9);
      const shared = {
        SPENDWALL_DATABASE_URL: database.url,
        REQUEST_COUNT: String(requestCount),
        FLUSH_MAX_REQUESTS: '10',
        EMULATOR_URL: url,
      };
      const a = startCrashChild({ ...shared, SPENDWALL_HOME: homes[0] });
      cleanups.push(() => a.process.kill('SIGKILL'));
      await a.says('accepted');
      const b = startCrashChild({ ...shared, SPENDWALL_HOME: homes[1], ACCEPT: '0' });
      cleanups.push(() => b.process.kill('SIGKILL'));

      // A is killed while it holds open flushes that it claimed after B had started (B looked at
      // the open flushes when it started: only a later look can find these), and stays dead.
      const store = await openStore({ databaseUrl: database.url });
      cleanups.push(() => store.close());
      await b.says('flushing');
      const seenByB = new Set(
        (await store.driver.all<{ id: string }>('SELECT id FROM async_flushes')).map((flush) => flush.id),
      );
      const laterOfA = async () =>
        (
          await store.driver.all<{ id: string }>(
            "SELECT id FROM async_flushes WHERE state IN ('planned', 'running') AND input_path LIKE ?",
            [`${homes[0]}${sep}%`],
          )
        ).filter((flush) => !seenByB.has(flush.id));
      let orphaned: Array<{ id: string }> = [];
      for (let tries = 0; orphaned.length === 0; tries++) {
        expect(tries, 'A never claimed a flush after B started').toBeLessThan(1000);
        orphaned = await laterOfA();
        if (orphaned.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      a.process.kill('SIGKILL');
      await a.exited;
      orphaned = await laterOfA();
      expect(orphaned.length).toBeGreaterThan(0);

      // B, already running, ends everything, A's flushes included.
      const [code, signal] = await b.exited;
      expect({ code, signal }, b.output.text).toEqual({ code: 0, signal: null });
      expect(await countAsyncRequests(store.driver)).toEqual({
        queued: 0,
        in_progress: 0,
        completed: requestCount,
        failed: 0,
      });
      const states = await store.driver.all<{ id: string; state: string }>(
        `SELECT id, state FROM async_flushes WHERE id IN (${orphaned.map(() => '?').join(', ')})`,
        orphaned.map((flush) => flush.id),
      );
      expect(states.map((flush) => flush.state)).toEqual(orphaned.map(() => 'done'));
      const chunks = emulator.record.batches.map((batch) => batch.metadata?.['spendwall_chunk']);
      expect(new Set(chunks).size).toBe(chunks.length);
      expect(emulator.record.batches.reduce((sum, batch) => sum + batch.requestCount, 0)).toBe(requestCount);
    }, 180_000);
  },
);

const createdBatch = z.object({ id: z.string() });

/**
 * An HTTP forwarder to `target` that notes the id of every batch created through it. A request
 * its caller sent in full goes on if the caller dies, as it would over a real network.
 */
async function batchCreationsThrough(target: string) {
  const created: string[] = [];
  const server = createServer((incoming, outgoing) => {
    outgoing.on('error', () => undefined);
    const creating = incoming.method === 'POST' && incoming.url?.split('?')[0] === '/v1/batches';
    const forwarded = request(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        const parts: Buffer[] = [];
        answer.on('data', (part: Buffer) => {
          if (creating) parts.push(part);
          outgoing.write(part);
        });
        answer.on('end', () => {
          if (creating && answer.statusCode === 200) {
            const parsed = createdBatch.safeParse(parseJson(Buffer.concat(parts).toString('utf8')));
            if (parsed.success) created.push(parsed.data.id);
          }
          outgoing.end();
        });
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    created,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
