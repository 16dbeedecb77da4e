/**
 * One gateway process for the async lane's kill test (kill.test.ts): opens the lane on the
 * SQLite store in `SPENDWALL_HOME`, against the emulator at `EMULATOR_URL`; the first time,
 * accepts `REQUEST_COUNT` requests (and says `accepted`); then flushes everything queued and
 * waits until every request has ended, and exits 0. The test SIGKILLs it at random moments and
 * starts it again.
 */
import { createProvider } from '../../providers/index.js';
import { openStore } from '../../store/open-store.js';
import { createAsyncLane } from './lane.js';
import { countAsyncRequests } from './request-records.js';
import { chatBody, submission } from './test-support.js';

const home = process.env['SPENDWALL_HOME']!;
const upstream = process.env['EMULATOR_URL']!;
const count = Number(process.env['REQUEST_COUNT']);

const store = await openStore({ home });
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
  flush: { checkIntervalMs: 10, maxPending: 40, maxAgeMs: 10 },
  webhooks: { secret: undefined },
});
const { driver } = store;
const total = async () => {
  const counts = await countAsyncRequests(driver);
  return counts.queued + counts.in_progress + counts.completed + counts.failed;
};
if ((await total()) === 0) {
  // Accepted in one go, then announced: the test starts killing only after this line.
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      lane.accept(submission(index % 2 ? 'team-a' : 'team-b', chatBody(index))),
    ),
  );
}
process.stdout.write('accepted\n');
for (;;) {
  const counts = await countAsyncRequests(driver);
  if (counts.queued === 0 && counts.in_progress === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await lane.close();
await store.close();
process.stdout.write('done\n');
