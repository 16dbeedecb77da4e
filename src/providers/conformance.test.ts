import { describe, expect, it } from 'vitest';
import { ProviderError } from './http.js';
import type { BatchTag, ProviderAdapterV1, RequestResult } from './provider.js';
import {
  type AdapterSubject,
  collect,
  emulated,
  linesOf,
  requests,
  type SkippableCase,
  subjects,
  waitUntilEnded,
} from './test-subjects.js';

/**
 * One suite, every adapter, through the emulator. What a provider cannot do is skipped by name
 * with its reason (test-subjects.ts), so the gap shows in every test report.
 */

function tagFor(chunkId: string): BatchTag {
  return { jobId: 'job-conformance', chunkId };
}

async function runBatch(adapter: ProviderAdapterV1, subject: AdapterSubject, prefix: string, count: number) {
  const list = requests(subject, prefix, count);
  const created = await adapter.batch.create({
    lines: linesOf(adapter, list),
    endpoint: subject.endpoint,
    model: subject.model,
    tag: tagFor(prefix),
  });
  const ended = await waitUntilEnded(adapter, created.id);
  const results = await collect(adapter.batch.results(ended));
  return { list, created, ended, results };
}

function byOutcome(results: RequestResult[]) {
  const counts: Record<string, number> = {};
  for (const result of results) counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
  return counts;
}

describe.each(subjects)('$name adapter', (subject) => {
  const unless = (name: SkippableCase, test: () => Promise<void>) => {
    const reason = subject.skip[name];
    if (reason) it.skip(`${name} (skipped: ${reason})`, () => {});
    else it(name, test);
  };

  for (const transport of ['in process', 'over a loopback socket'] as const) {
    it(`creates a batch and reads one result per custom_id, with usage (${transport})`, async () => {
      const { adapter, close } = await emulated(subject, undefined, { socket: transport !== 'in process' });
      try {
        const { list, created, ended, results } = await runBatch(adapter, subject, 'basic', 12);
        expect(created.createdAt).toBeGreaterThan(Date.now() - 60_000);
        expect(ended).toMatchObject({ phase: 'ended', ending: 'completed', failure: null });
        expect(ended.counts).toEqual({ total: 12, succeeded: 12, failed: 0 });
        expect(results.map((result) => result.customId).sort()).toEqual(list.map((r) => r.customId).sort());
        for (const result of results) {
          expect(result.outcome).toBe('succeeded');
          expect(result.usage?.inputTokens).toBeGreaterThan(0);
          expect(result.usage?.outputTokens).toBeGreaterThan(0);
          expect(JSON.parse(result.body!)).toHaveProperty('usage');
        }
      } finally {
        await close();
      }
    });
  }

  unless('tag round-trips', async () => {
    const { adapter, close } = await emulated(subject);
    try {
      const { created } = await runBatch(adapter, subject, 'tagged', 2);
      expect(created.tag).toEqual(tagFor('tagged'));
      expect((await adapter.batch.retrieve(created.id)).tag).toEqual(tagFor('tagged'));
    } finally {
      await close();
    }
  });

  it('classifies lines failed as retryable and as invalid', async () => {
    const { adapter, close } = await emulated(subject, {
      clock: { instant: true },
      faults: { batches: { lineRetryable: 0.25, lineInvalid: 0.25 } },
    });
    try {
      const { results } = await runBatch(adapter, subject, 'faulty', 60);
      expect(results).toHaveLength(60);
      const counts = byOutcome(results);
      expect(counts['succeeded']).toBeGreaterThan(0);
      expect(counts['failed_retryable']).toBeGreaterThan(0);
      expect(counts['failed_invalid']).toBeGreaterThan(0);
      for (const result of results) {
        if (result.outcome === 'failed_retryable')
          expect(result.error?.code).toBe(subject.faultCodes.retryable);
        if (result.outcome === 'failed_invalid') expect(result.error?.code).toBe(subject.faultCodes.invalid);
        if (result.outcome !== 'succeeded') expect(result.usage).toBeNull();
      }
    } finally {
      await close();
    }
  });

  it('reads an expired batch as its finished lines plus expired ones', async () => {
    const { adapter, close } = await emulated(subject, {
      clock: { instant: true },
      faults: { batches: { expireBatchNumbers: [1], expireFinishedFraction: 0.5 } },
    });
    try {
      const { ended, results } = await runBatch(adapter, subject, 'expiring', 10);
      expect(ended.ending).toBe('expired');
      expect(byOutcome(results)).toEqual({ succeeded: 5, expired: 5 });
      for (const result of results.filter((r) => r.outcome === 'expired')) {
        expect(result.error?.code).toBe('batch_expired');
      }
    } finally {
      await close();
    }
  });

  it('cancels a running batch and keeps the lines it finished', async () => {
    const { emulator, adapter, close } = await emulated(subject, { clock: { scale: 0 } });
    try {
      const list = requests(subject, 'cancelled', 10);
      const created = await adapter.batch.create({
        lines: linesOf(adapter, list),
        endpoint: subject.endpoint,
        model: subject.model,
        tag: tagFor('cancelled'),
      });
      expect(created.phase).not.toBe('ended');
      // Past validation and part of the way through the 60 s the lines take.
      emulator.clock.advance(50_000);
      const cancelling = await adapter.batch.cancel(created.id);
      expect(cancelling.phase).toBe('cancelling');
      emulator.clock.advance(60_000);
      const ended = await adapter.batch.retrieve(created.id);
      expect(ended).toMatchObject({ phase: 'ended', ending: 'cancelled' });
      const counts = byOutcome(await collect(adapter.batch.results(ended)));
      expect(counts['succeeded']).toBeGreaterThan(0);
      expect(counts['cancelled']).toBeGreaterThan(0);
      expect(counts['succeeded']! + counts['cancelled']!).toBe(10);
      // Cancelling a batch that has ended is no error: it answers the ended batch.
      expect((await adapter.batch.cancel(created.id)).phase).toBe('ended');
    } finally {
      await close();
    }
  });

  it('finds a batch whose create answer was lost, and nothing when none was created', async () => {
    const { adapter, close } = await emulated(subject);
    try {
      const createdAfter = Date.now();
      const hints = { createdAfter, requestCount: 3, knownIds: new Set<string>() };
      expect(await adapter.batch.find(tagFor('lost'), hints)).toBeUndefined();
      const list = requests(subject, 'lost', 3);
      const created = await adapter.batch.create({
        lines: linesOf(adapter, list),
        endpoint: subject.endpoint,
        model: subject.model,
        tag: tagFor('lost'),
      });
      expect((await adapter.batch.find(tagFor('lost'), hints))?.id).toBe(created.id);
      // Already attributed (or another size): not a candidate.
      const known = { ...hints, knownIds: new Set([created.id]) };
      expect(await adapter.batch.find(tagFor('lost'), known)).toBeUndefined();
      // Created before the intent was recorded (beyond the clock slack): not a candidate.
      const later = { ...hints, createdAfter: createdAfter + 60 * 60 * 1000 };
      expect(await adapter.batch.find(tagFor('lost'), later)).toBeUndefined();
    } finally {
      await close();
    }
  });

  unless('find tells same-sized batches apart', async () => {
    const { adapter, close } = await emulated(subject);
    try {
      const hints = { createdAfter: Date.now(), requestCount: 2, knownIds: new Set<string>() };
      const first = await runBatch(adapter, subject, 'twin-a', 2);
      const second = await runBatch(adapter, subject, 'twin-b', 2);
      expect((await adapter.batch.find(tagFor('twin-b'), hints))?.id).toBe(second.created.id);
      expect((await adapter.batch.find(tagFor('twin-a'), hints))?.id).toBe(first.created.id);
    } finally {
      await close();
    }
  });

  for (const transport of ['in process', 'over a loopback socket'] as const) {
    it(`retries 429 and 503 answers on every route transparently (${transport})`, async () => {
      const { emulator, adapter, close } = await emulated(
        subject,
        { clock: { instant: true }, faults: { routes: { '*': { status429: 0.2, status503: 0.2 } } } },
        { socket: transport !== 'in process' },
      );
      try {
        for (const chunk of ['retried-1', 'retried-2', 'retried-3']) {
          const { results } = await runBatch(adapter, subject, chunk, 5);
          expect(byOutcome(results)).toEqual({ succeeded: 5 });
        }
        const result = await adapter.call(subject.request('realtime-retried'));
        expect(result.outcome).toBe('succeeded');
        const faults = emulator.record.faultCounts();
        expect(Object.keys(faults).length).toBeGreaterThan(1);
        // Exactly one batch per chunk, whatever was retried.
        expect(emulator.record.batches).toHaveLength(3);
      } finally {
        await close();
      }
    });
  }

  it('does not retry a create that failed with a server error, since the batch may exist', async () => {
    const { emulator, adapter, close } = await emulated(subject, {
      clock: { instant: true },
      faults: { routes: { [subject.createRoute]: { status500: 1 } } },
    });
    try {
      const list = requests(subject, 'ambiguous', 2);
      const attempt = adapter.batch.create({
        lines: linesOf(adapter, list),
        endpoint: subject.endpoint,
        model: subject.model,
        tag: tagFor('ambiguous'),
      });
      await expect(attempt).rejects.toMatchObject({ status: 500, isRetryable: true });
      expect(emulator.record.requests[subject.createRoute]).toBe(1);
    } finally {
      await close();
    }
  });

  it('calls in real time, and answers a refused request as a result', async () => {
    const { adapter, close } = await emulated(subject);
    try {
      const good = await adapter.call(subject.request('realtime-good'));
      expect(good).toMatchObject({
        customId: 'realtime-good',
        outcome: 'succeeded',
        statusCode: 200,
        error: null,
      });
      expect(good.usage?.inputTokens).toBeGreaterThan(0);
      const bad = await adapter.call(subject.invalidRequest('realtime-bad'));
      expect(bad).toMatchObject({ customId: 'realtime-bad', outcome: 'failed_invalid', statusCode: 400 });
      expect(bad.error?.code).toBe(subject.invalidRequestCode);
      expect(JSON.parse(bad.body!)).toHaveProperty('error');
    } finally {
      await close();
    }
  });

  unless('flex service tier', async () => {
    const { adapter, close } = await emulated(subject);
    try {
      const result = await adapter.call(subject.request('flexible'), { serviceTier: 'flex' });
      expect(result.outcome).toBe('succeeded');
      expect(JSON.parse(result.body!)).toMatchObject({ service_tier: 'flex' });
    } finally {
      await close();
    }
  });

  it('never puts the API key in an error', async () => {
    const apiKey = 'sk-secret-0123456789abcdef';
    const { adapter, close } = await emulated(
      subject,
      { clock: { instant: true }, apiKeys: ['sk-the-right-one'] },
      { apiKey },
    );
    try {
      const error = await adapter.batch.retrieve('batch_missing').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).status).toBe(401);
      expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
        apiKey,
      );
      await expect(adapter.call(subject.request('unauthorized'))).rejects.toMatchObject({ status: 401 });
    } finally {
      await close();
    }
  });

  it('streams a 20,000-line batch to the provider intact (over a socket)', async () => {
    const { emulator, adapter, close } = await emulated(subject, undefined, { socket: true });
    try {
      const list = requests(subject, 'big', 20_000);
      let uploadedFileId: string | null = null;
      const created = await adapter.batch.create({
        lines: linesOf(adapter, list),
        endpoint: subject.endpoint,
        model: subject.model,
        tag: tagFor('big'),
        onUploaded: async (fileId) => {
          uploadedFileId = fileId;
        },
      });
      const recorded = emulator.record.batches.find((batch) => batch.id === created.id)!;
      expect(recorded.requestCount).toBe(20_000);
      expect(recorded.customIds).toEqual(list.map((request) => request.customId));
      if (subject.name === 'openai') {
        const expectedBytes = list.reduce(
          (sum, request) => sum + Buffer.byteLength(adapter.batch.encode(request)) + 1,
          0,
        );
        expect(emulator.record.files).toHaveLength(1);
        expect(emulator.record.files[0]).toMatchObject({
          id: uploadedFileId,
          purpose: 'batch',
          bytes: expectedBytes,
        });
      }
    } finally {
      await close();
    }
  });
});
