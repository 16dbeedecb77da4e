import type { RouteDecision, RouteInput } from '../policy/types.js';
import type { PriceBook } from '../prices/price-book.js';
import type { LaneSettings } from './lanes.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { GatewayMetrics } from './metrics.js';
import type { AsyncLane } from './types.js';
import type { TrafficClass, Upstreams } from './upstreams.js';

/** What every route of one gateway shares. */
export interface GatewayRuntime {
  upstreams: Upstreams;
  route: (input: RouteInput) => RouteDecision;
  prices: PriceBook;
  /** Refuse deferrable requests that come synchronously where the batch lane was due. */
  enforce: boolean;
  asyncLane: AsyncLane | undefined;
  /** `Retry-After` on 202 answers: when polling first makes sense. */
  asyncRetryAfterSeconds: number;
  lanes: LaneSettings;
  ledger: LedgerWriter;
  metrics: GatewayMetrics;
  maxBodyBytes: number;
  inFlight: Record<TrafficClass, number>;
}

/** What one request came to, for its log line and metrics. */
export interface Outcome {
  status: number;
  endpoint: string;
  lane?: string;
  workload?: string;
  urgency?: string;
  provider?: string;
  model?: string;
  costNanoUsd?: number | null;
  retries?: number;
  fellBack?: boolean;
  missedSavings?: boolean;
  streamed?: boolean;
  asyncId?: string;
  error?: string;
}
