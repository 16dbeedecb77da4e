import { describe, expect, it } from 'vitest';
import { parsePolicy, routeRequest } from '../policy/index.js';
import { analyzeUsage } from './analyze.js';
import type { UsageRecord } from './usage-record.js';

const day = 86_400_000;
const start = Date.UTC(2026, 10, 2); // a Monday

function row(overrides: Partial<UsageRecord>): UsageRecord {
  return {
    startedAt: start,
    requests: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    lane: 'realtime',
    endpoint: '/v1/chat/completions',
    inputTokens: 1_000_000,
    outputTokens: 0,
    stream: false,
    origin: { format: 'jsonl', path: 'usage.jsonl', position: 'line 1' },
    ...overrides,
  };
}

/** A nightly job: 200 requests between 02:00 and 02:10 on each of `days` days. */
function nightly(days: number, overrides: Partial<UsageRecord> = {}): UsageRecord[] {
  const rows: UsageRecord[] = [];
  for (let index = 0; index < days * 200; index++) {
    const at = start + Math.floor(index / 200) * day + 2 * 3_600_000 + (index % 200) * 3000;
    rows.push(row({ workload: 'nightly-classify', startedAt: at, ...overrides }));
  }
  return rows;
}

describe('ledger views', () => {
  it('prices rows without a source cost, keeps unknown models unpriced and sums savings by their definitions', async () => {
    // gpt-4o-mini, 1M input tokens: realtime $0.15, batch $0.075.
    const analysis = await analyzeUsage([
      row({ workload: 'a', startedAt: start }),
      row({ workload: 'a', startedAt: start + day, lane: 'batch' }),
      row({ workload: 'a', startedAt: start + day, deadlineFallback: true, costNanoUsd: 160_000_000 }),
      row({ workload: 'b', model: 'my-own-model', startedAt: start + day }),
    ]);
    expect(analysis.totals.paid).toBe(150_000_000 + 75_000_000 + 160_000_000);
    expect(analysis.totals.unpricedRequests).toBe(1);
    expect(analysis.unpriced).toEqual([{ provider: 'openai', model: 'my-own-model', requests: 1 }]);
    expect(analysis.pricedFromSourceRows).toBe(1);
    expect(analysis.savings.realized).toBe(75_000_000);
    expect(analysis.savings.fallbacks).toEqual({ requests: 1, paid: 160_000_000, extra: 85_000_000 });
    const cells = analysis.spend.filter((cell) => cell.workload === 'a');
    expect(cells.map((cell) => [cell.day, cell.lane, cell.requests, cell.paid])).toEqual([
      ['2026-11-02', 'realtime', 1, 150_000_000],
      ['2026-11-03', 'batch', 1, 75_000_000],
      ['2026-11-03', 'realtime', 1, 160_000_000],
    ]);
    expect(analysis.spend.find((cell) => cell.workload === 'b')).toMatchObject({
      paid: 0,
      unpricedRequests: 1,
    });
    expect(analysis.daily.map((entry) => entry.day)).toEqual(['2026-11-02', '2026-11-03']);
  });

  it('counts missed savings over realtime rows of deferrable workloads only', async () => {
    const rows = [
      ...nightly(7),
      row({ workload: 'chat', stream: true, session: 's1', startedAt: start + 5000 }),
    ];
    const analysis = await analyzeUsage(rows);
    expect(analysis.findings.find((finding) => finding.workload === 'nightly-classify')!.verdict).toBe(
      'batchable',
    );
    expect(analysis.savings.deferrableFrom).toBe('finder');
    expect(analysis.savings.missed).toBe(1400 * 75_000_000);
    expect(analysis.savings.missedRequests).toBe(1400);
  });
});

describe('batch-candidate finder', () => {
  it('never moves a workload whose requests stream, even on a schedule', async () => {
    const analysis = await analyzeUsage(nightly(7, { stream: true }));
    expect(analysis.findings[0]!.verdict).toBe('interactive');
    expect(analysis.findings[0]!.estimate.monthlyNanoUsd).toBe(0);
  });

  it('says unknown when a few requests show a person (mixed evidence)', async () => {
    const rows = nightly(7).map((record, index) =>
      index % 10 === 0 ? { ...record, session: `s${index}` } : record,
    );
    const finding = (await analyzeUsage(rows)).findings[0]!;
    expect(finding.verdict).toBe('unknown');
    expect(finding.reason).toMatch(/mixed evidence/);
  });

  it('says unknown when the source does not tell whether anyone waits, or when there are few requests', async () => {
    const silent = nightly(7).map(({ stream: _stream, ...record }) => record);
    expect((await analyzeUsage(silent)).findings[0]!.verdict).toBe('unknown');
    const few = (await analyzeUsage(nightly(7).slice(0, 30))).findings[0]!;
    expect(few.verdict).toBe('unknown');
    expect(few.reason).toMatch(/too few requests/);
  });

  it('estimates the batch saving per 30 days from the history span, with its assumptions', async () => {
    const finding = (await analyzeUsage(nightly(7))).findings[0]!;
    expect(finding.verdict).toBe('batchable');
    // 1,400 requests × $0.075 saved, over a span of 6 days + 10 minutes, projected to 30 days.
    const spanDays = (6 * day + 199 * 3000) / day;
    expect(finding.estimate.monthlyNanoUsd).toBe(Math.round((1400 * 75_000_000 * 30) / spanDays));
    expect(finding.estimate.assumptions.join(' ')).toMatch(/catalog batch price/);
    expect(finding.evidence.signals.map((signal) => signal.name)).toContain('schedule');
  });
});

describe('what-if replay', () => {
  it('prices each workload in the lane the proposed policy routes it to, with the delay it would see', async () => {
    const policy = parsePolicy(
      'version: 1\ndefault: { urgency: interactive }\nworkloads:\n  nightly-*: { urgency: deferrable, deadline: 24h }\n',
    );
    const analysis = await analyzeUsage([...nightly(2), row({ workload: 'chat', stream: true })], {
      route: (input) => routeRequest(policy, input),
    });
    const whatIf = analysis.whatIf!;
    const nightlyReplay = whatIf.workloads.find((workload) => workload.workload === 'nightly-classify')!;
    expect(nightlyReplay).toMatchObject({
      rules: ['nightly-*'],
      lanes: { batch: 400, realtime: 0, flex: 0 },
    });
    expect(nightlyReplay.paid).toBe(400 * 150_000_000);
    expect(nightlyReplay.projected).toBe(400 * 75_000_000);
    expect(nightlyReplay.delayText).toMatch(/median 6 h/);
    const chat = whatIf.workloads.find((workload) => workload.workload === 'chat')!;
    expect(chat).toMatchObject({ saving: 0, delayMs: 0, lanes: { realtime: 1 } });
    expect(analysis.savings.deferrableFrom).toBe('policy');
    expect(
      analysis.findings.find((finding) => finding.workload === 'nightly-classify')!.evidence.policy,
    ).toMatchObject({
      rule: 'nightly-*',
      urgency: 'deferrable',
      lane: 'batch',
    });
  });
});
