import { type RandomSource, seededRandom } from '../core/random.js';
import type { Faults, RouteFaults } from './options.js';
import type { EmulatorRecord, RecordedFault } from './record.js';

/** What the injector decided for one request. */
export interface FaultDecision {
  /** An error status to answer with instead of the real answer, if any. */
  status: 429 | 500 | 503 | null;
  /** Real milliseconds to wait before answering. */
  delayMs: number;
  /** Close the connection without answering. */
  drop: boolean;
}

const none: FaultDecision = { status: null, delayMs: 0, drop: false };

/**
 * Seeded, reproducible HTTP faults. Each route draws from its own random stream, so the n-th
 * request to a route meets the same fault on every run with the same seed, whatever other routes
 * are doing.
 */
export class FaultInjector {
  private readonly streams = new Map<string, RandomSource>();

  constructor(
    private readonly faults: Faults,
    private readonly seed: number,
    private readonly record: EmulatorRecord,
    private readonly now: () => number,
  ) {}

  /** The faults configured for a route key such as `POST /v1/batches/:id/cancel`. */
  routeFaults(route: string): RouteFaults | undefined {
    return this.faults.routes[route] ?? this.faults.routes['*'];
  }

  decide(route: string): FaultDecision {
    const faults = this.routeFaults(route);
    if (!faults) return none;
    const random = this.stream(route);
    // Three draws per request whatever the outcome, so one rate's setting never shifts another's.
    const statusDraw = random();
    const slowDraw = random();
    const dropDraw = random();
    if (dropDraw < faults.drop) {
      this.note(route, 'drop');
      return { status: null, delayMs: 0, drop: true };
    }
    let status: FaultDecision['status'] = null;
    if (statusDraw < faults.status429) status = 429;
    else if (statusDraw < faults.status429 + faults.status500) status = 500;
    else if (statusDraw < faults.status429 + faults.status500 + faults.status503) status = 503;
    if (status) this.note(route, `status${status}`);
    const slow = slowDraw < faults.slow;
    if (slow) this.note(route, 'slow');
    return { status, delayMs: slow ? faults.slowMs : 0, drop: false };
  }

  /** Whether a `service_tier: "flex"` request is refused for lack of capacity. */
  refuseFlex(route: string): boolean {
    if (this.faults.flexRefuse <= 0) return false;
    const refused = this.stream(`flex:${route}`)() < this.faults.flexRefuse;
    if (refused) this.note(route, 'flexRefuse');
    return refused;
  }

  private stream(key: string): RandomSource {
    let random = this.streams.get(key);
    if (!random) {
      random = seededRandom(`faults:${this.seed}:${key}`);
      this.streams.set(key, random);
    }
    return random;
  }

  private note(route: string, kind: RecordedFault['kind']): void {
    this.record.faults.push({ route, kind, at: this.now() });
  }
}
