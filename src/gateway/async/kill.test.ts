import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.js';
import { createEmulator } from '../../emulator/index.js';
import { openStore } from '../../store/open-store.js';
import { expectEveryRequestCompleted } from './crash-checks.js';
import { startCrashChild } from './test-support.js';

/**
 * The async lane under SIGKILL: a gateway process accepts 600 requests, then is killed again and
 * again while it flushes them through the engine, and restarted each time. At the end every
 * request has exactly one result and no request reached the provider in two batches.
 */

const requestCount = 600;

describe('async lane killed mid-flush', () => {
  it('ends every request exactly once and never submits a request twice', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-async-kill-'));
    const emulator = createEmulator({ clock: { scale: 20_000 }, seed: 7 });
    const url = await emulator.listen(0);
    const random = seededRandom(11);
    const environment = { SPENDWALL_HOME: folder, EMULATOR_URL: url, REQUEST_COUNT: String(requestCount) };
    let kills = 0;
    try {
      for (let run = 0; ; run++) {
        const { process: runner, output, exited, says } = startCrashChild(environment);
        // Killed at a random moment after acceptance, for the first runs; the last runs to its end.
        // The first run is killed the moment it has accepted: on a fast machine a whole run can
        // end within the random delays, and then nothing would have been killed at all.
        if (run < 8) {
          await says('accepted');
          const delay = run === 0 ? 0 : 100 + random() * 900;
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, delay))]);
          if (runner.exitCode === null) {
            runner.kill('SIGKILL');
            kills++;
          }
        }
        const [code, signal] = await exited;
        if (signal === null) {
          expect(code, output.text).toBe(0);
          if (output.text.includes('done')) break;
        }
        expect(run, 'the lane never finished').toBeLessThan(20);
      }
      const store = await openStore({ home: folder });
      try {
        await expectEveryRequestCompleted(store.driver, requestCount);
      } finally {
        await store.close();
      }
      // Each request went to the provider in exactly one batch (the engine's custom ids name a
      // chunk and a line; one provider batch per chunk, never two).
      const chunks = emulator.record.batches.map((batch) => batch.metadata?.['spendwall_chunk']);
      expect(new Set(chunks).size).toBe(chunks.length);
      const sent = emulator.record.batches.reduce((sum, batch) => sum + batch.requestCount, 0);
      expect(sent).toBe(requestCount);
      expect(kills).toBeGreaterThan(0);
    } finally {
      await emulator.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 180_000);
});
