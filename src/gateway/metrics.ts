/**
 * Prometheus metrics, written by hand in the text exposition format (version 0.0.4): a few
 * counters and one histogram do not justify a dependency. Label strings are built and escaped
 * once per distinct value and reused, so counting stays a map lookup on the hot path.
 */

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const labelCache = new Map<string, string>();
function labelText(labels: Labels): string {
  let key = '';
  for (const name in labels) key += `${name}\u0000${labels[name]}\u0001`;
  let text = labelCache.get(key);
  if (text === undefined) {
    text = Object.entries(labels)
      .map(([name, value]) => `${name}="${escapeLabel(value)}"`)
      .join(',');
    if (labelCache.size < 10_000) labelCache.set(key, text);
  }
  return text;
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' = 'counter',
  ) {}
  add(labels: Labels, amount = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + amount);
  }
  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), value);
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const [labels, value] of this.values)
      lines.push(`${this.name}${labels ? `{${labels}}` : ''} ${value}`);
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
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
  );
  readonly duration = new Histogram(
    'spendwall_gateway_request_duration_seconds',
    'Time from request to the end of the answer, by endpoint and lane.',
    durationBuckets,
  );
  readonly cost = new Counter(
    'spendwall_gateway_cost_usd_total',
    'What executed requests cost, by lane and workload.',
  );
  readonly realizedSavings = new Counter(
    'spendwall_gateway_realized_savings_usd_total',
    'Realtime price minus price paid, over requests run in flex, by workload.',
  );
  readonly missedSavings = new Counter(
    'spendwall_gateway_missed_savings_usd_total',
    'Price paid minus batch price, over deferrable requests that ran realtime, by workload.',
  );
  readonly unpriced = new Counter(
    'spendwall_gateway_unpriced_requests_total',
    'Executed requests whose cost is unknown.',
  );
  readonly flexFallbacks = new Counter(
    'spendwall_gateway_flex_fallbacks_total',
    'Flex calls refused or timed out that fell back to realtime, by reason.',
  );
  readonly retries = new Counter('spendwall_gateway_upstream_retries_total', 'Retries sent to a provider.');
  readonly asyncAccepted = new Counter(
    'spendwall_gateway_async_accepted_total',
    'Requests accepted with Prefer: respond-async, by workload.',
  );
  readonly inFlight = new Counter('spendwall_gateway_in_flight_requests', 'Requests being served.', 'gauge');
  readonly ledgerPending = new Counter(
    'spendwall_gateway_ledger_pending_rows',
    'Ledger rows waiting to be written.',
    'gauge',
  );
  private readonly process = new Counter(
    'process_cpu_seconds_total',
    'CPU time used by the gateway process.',
  );
  private readonly memory = new Counter('process_resident_memory_bytes', 'Resident memory.', 'gauge');

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
