/**
 * Prometheus metrics, written by hand in the text exposition format (version 0.0.4): a few
 * counters and one histogram do not justify a dependency. Label strings are built and escaped
 * once per series and reused, so counting stays one map lookup on the hot path.
 */

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

type Labels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Series by label values. Each metric declares its label names once, so a series is found by
 * its values alone (joined with NUL: no name strings, no escaping, no object walk per request);
 * the escaped `name="value"` text is built once, when a series first appears.
 */
class SeriesMap<Entry> {
  private readonly entries = new Map<string, { text: string; entry: Entry }>();
  constructor(private readonly labelNames: readonly string[]) {}

  get(labels: Labels, create: () => Entry): Entry {
    const names = this.labelNames;
    let key = '';
    let plain = true;
    for (let index = 0; index < names.length; index++) {
      const value = labels[names[index]!] ?? '';
      if (value.includes('\u0000')) plain = false;
      key = index === 0 ? value : `${key}\u0000${value}`;
    }
    // A value holding NUL could pass for another series' key: such values get a key of their own.
    if (!plain) key = `\u0001${JSON.stringify(names.map((name) => labels[name] ?? ''))}`;
    let found = this.entries.get(key);
    if (found === undefined) {
      const text = names.map((name) => `${name}="${escapeLabel(labels[name] ?? '')}"`).join(',');
      found = { text, entry: create() };
      this.entries.set(key, found);
    }
    return found.entry;
  }

  /** Every series as its label text (`a="x",b="y"`, empty without labels) and entry. */
  *[Symbol.iterator](): IterableIterator<[string, Entry]> {
    for (const { text, entry } of this.entries.values()) yield [text, entry];
  }
}

class Counter {
  private readonly values: SeriesMap<{ value: number }>;
  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[] = [],
    readonly type: 'counter' | 'gauge' = 'counter',
  ) {
    this.values = new SeriesMap(labelNames);
  }
  add(labels: Labels, amount = 1): void {
    this.values.get(labels, () => ({ value: 0 })).value += amount;
  }
  set(labels: Labels, value: number): void {
    this.values.get(labels, () => ({ value: 0 })).value = value;
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const [labels, { value }] of this.values)
      lines.push(`${this.name}${labels ? `{${labels}}` : ''} ${value}`);
  }
}

class Histogram {
  private readonly series: SeriesMap<{ counts: number[]; sum: number; count: number }>;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
    labelNames: readonly string[],
  ) {
    this.series = new SeriesMap(labelNames);
  }
  observe(labels: Labels, value: number): void {
    const entry = this.series.get(labels, () => ({
      counts: new Array<number>(this.buckets.length).fill(0),
      sum: 0,
      count: 0,
    }));
    for (let index = 0; index < this.buckets.length; index++)
      if (value <= this.buckets[index]!) entry.counts[index]!++;
    entry.sum += value;
    entry.count++;
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [labels, entry] of this.series) {
      const prefix = labels ? `${labels},` : '';
      this.buckets.forEach((bound, index) => {
        lines.push(`${this.name}_bucket{${prefix}le="${bound}"} ${entry.counts[index]}`);
      });
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${entry.count}`);
      lines.push(`${this.name}_sum${labels ? `{${labels}}` : ''} ${entry.sum}`);
      lines.push(`${this.name}_count${labels ? `{${labels}}` : ''} ${entry.count}`);
    }
  }
}

export class GatewayMetrics {
  readonly requests = new Counter(
    'spendwall_gateway_requests_total',
    'Requests answered, by endpoint, lane and status.',
    ['endpoint', 'lane', 'status'],
  );
  readonly duration = new Histogram(
    'spendwall_gateway_request_duration_seconds',
    'Time from request to the end of the answer, by endpoint and lane.',
    durationBuckets,
    ['endpoint', 'lane'],
  );
  readonly cost = new Counter(
    'spendwall_gateway_cost_usd_total',
    'What executed requests cost, by lane and workload.',
    ['lane', 'workload'],
  );
  readonly realizedSavings = new Counter(
    'spendwall_gateway_realized_savings_usd_total',
    'Realtime price minus price paid, over requests run in flex, by workload.',
    ['lane', 'workload'],
  );
  readonly missedSavings = new Counter(
    'spendwall_gateway_missed_savings_usd_total',
    'Price paid minus batch price, over deferrable requests that ran realtime, by workload.',
    ['workload'],
  );
  readonly unpriced = new Counter(
    'spendwall_gateway_unpriced_requests_total',
    'Executed requests whose cost is unknown.',
    ['lane', 'workload'],
  );
  readonly flexFallbacks = new Counter(
    'spendwall_gateway_flex_fallbacks_total',
    'Flex calls refused or timed out that fell back to realtime, by reason.',
    ['reason'],
  );
  readonly retries = new Counter('spendwall_gateway_upstream_retries_total', 'Retries sent to a provider.', [
    'provider',
  ]);
  readonly asyncAccepted = new Counter(
    'spendwall_gateway_async_accepted_total',
    'Requests accepted with Prefer: respond-async, by workload.',
    ['workload'],
  );
  readonly inFlight = new Counter(
    'spendwall_gateway_in_flight_requests',
    'Requests being served.',
    ['class'],
    'gauge',
  );
  readonly ledgerPending = new Counter(
    'spendwall_gateway_ledger_pending_rows',
    'Ledger rows waiting to be written.',
    [],
    'gauge',
  );
  private readonly process = new Counter(
    'process_cpu_seconds_total',
    'CPU time used by the gateway process.',
  );
  private readonly memory = new Counter('process_resident_memory_bytes', 'Resident memory.', [], 'gauge');

  render(extra: { ledgerPending: number; inFlight: Record<string, number> }): string {
    this.ledgerPending.set({}, extra.ledgerPending);
    for (const [trafficClass, count] of Object.entries(extra.inFlight))
      this.inFlight.set({ class: trafficClass }, count);
    const cpu = process.cpuUsage();
    this.process.set({}, (cpu.user + cpu.system) / 1e6);
    this.memory.set({}, process.memoryUsage.rss());
    const lines: string[] = [];
    for (const metric of [
      this.requests,
      this.duration,
      this.cost,
      this.realizedSavings,
      this.missedSavings,
      this.unpriced,
      this.flexFallbacks,
      this.retries,
      this.asyncAccepted,
      this.inFlight,
      this.ledgerPending,
      this.process,
      this.memory,
    ])
      metric.render(lines);
    return `${lines.join('\n')}\n`;
  }
}
