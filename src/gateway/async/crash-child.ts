/**
 * One gateway process for the async lane's kill tests (kill.test.ts, two-processes.test.ts):
 * opens the lane on the store at `SPENDWALL_DATABASE_URL` (default: the SQLite file in
 * `SPENDWALL_HOME`), against the emulator at `EMULATOR_URL`. Unless `ACCEPT=0`, it accepts
 * `REQUEST_COUNT` requests when the store holds none yet and says `accepted`; with `ACCEPT=0` it
 * only flushes and says `flushing`. Either way it then flushes everything queued, waits until
 * every request has ended, and exits 0 saying `done`. The tests SIGKILL it at random moments and
 * start it again.
 *
 * Accepting is decided by an empty store, which is not atomic: when several processes share one
 * database, exactly one of them may accept (the others run with `ACCEPT=0`).
 */
import { createProvider } from '../../providers/index.js';
import { openStore } from '../../store/open-store.js';
import { createAsyncLane } from './lane.js';
import { countAsyncRequests } from './request-records.js';
import { chatBody, submission } from './test-support.js';

const home = process.env['SPENDWALL_HOME']!;
const databaseUrl = process.env['SPENDWALL_DATABASE_URL'] || undefined;
const upstream = process.env['EMULATOR_URL']!;
const count = Number(process.env['REQUEST_COUNT']);
const accepts = process.env['ACCEPT'] !== '0';
// Requests per flush at most (default: the lane's); small, so that several processes share a queue.
const maxRequests = process.env['FLUSH_MAX_REQUESTS'] ? Number(process.env['FLUSH_MAX_REQUESTS']) : undefined;

const store = await openStore({ databaseUrl, home });
const retryPolicy = {
  maxRetries: 8,
  initialDelayMs: 5,
  maxDelayMs: 50,
  sleep: (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)),
};
const lane = await createAsyncLane({
  store,
  providers: {
    openai: createProvider('openai', { baseURL: `${upstream}/v1`, apiKey: 'sk-emulator', retryPolicy }),
  },
  home,
  engine: { pollInitialMs: 5, pollMaxMs: 20, submitGraceMs: 50, progressIntervalMs: 0, chunkMaxRequests: 25 },
  flush: {
    checkIntervalMs: 10,
    adoptIntervalMs: 200,
    maxPending: 40,
    maxAgeMs: 10,
    ...(maxRequests ? { maxRequests } : {}),
  },
  webhooks: { secret: undefined },
});
const { driver } = store;
const total = async () => {
  const counts = await countAsyncRequests(driver);
  return counts.queued + counts.in_progress + counts.completed + counts.failed;
};
if (accepts) {
  if ((await total()) === 0) {
    // Accepted in one go, then announced: the tests start killing only after this line.
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        lane.accept(submission(index % 2 ? 'team-a' : 'team-b', chatBody(index))),
      ),
    );
  }
  process.stdout.write('accepted\n');
} else {
  process.stdout.write('flushing\n');
}
for (;;) {
  const counts = await countAsyncRequests(driver);
  if (counts.queued === 0 && counts.in_progress === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await lane.close();
await store.close();
process.stdout.write('done\n');
