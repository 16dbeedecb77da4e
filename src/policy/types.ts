import type { Lane, PriceBook, PriceOverrides } from '../prices/index.js';
import type { ProviderName } from '../providers/provider.js';

/** `interactive`: a person is waiting. `deferrable`: a pipeline or an analyst can wait. */
export type Urgency = 'interactive' | 'deferrable';

/** What the router needs to know about one request. */
export interface RouteInput {
  /** The request's workload label; absent or empty means unlabeled (the policy's default). */
  workload?: string | undefined;
  provider: string;
  /** The model as the client sent it; a policy alias is resolved before routing. */
  model: string;
  /** `/v1/chat/completions`, `/v1/embeddings`, `/v1/responses`, `/v1/messages`. */
  endpoint: string;
  /** Whether the client asked to answer later (`Prefer: respond-async`, a batch job). */
  asynchronous?: boolean;
}

/** Where a request runs and why, in words fit for `policy explain` and a log line. */
export interface RouteDecision {
  /** The workload name the request is counted under (the default's name when unlabeled). */
  workload: string;
  /** The policy entry that matched: the glob as written, or `default`. */
  rule: string;
  urgency: Urgency;
  lane: Lane;
  /** How long the request may take, in ms; absent for interactive work. */
  deadlineMs?: number;
  /** The provider after alias resolution (an alias may name another provider than the input's). */
  provider: string;
  /** The model after alias resolution. */
  model: string;
  /** One sentence: why this lane. */
  reason: string;
  /**
   * True when the workload is deferrable but the request will run realtime because it came
   * synchronously: the gateway records it as missed savings, or refuses it under `enforce`.
   */
  missedSavings: boolean;
}

/** One entry of `workloads:` (or `default:`), checked and ready to match. */
export interface WorkloadRule {
  /** The name or glob as written (`support-chat`, `eval-*`), or `default`. */
  pattern: string;
  urgency: Urgency;
  /** The deadline as written (`12h`), for `policy explain`. */
  deadline?: string;
  deadlineMs?: number;
  /** A lane the file pins; never honoured for interactive work (the file is refused first). */
  lane?: Lane;
  /** Who waits, or why nobody does: shown by `policy explain`. */
  description?: string;
}

/** `providers.<name>.apiKey`: always a reference to an environment variable, never the key. */
export interface SecretReference {
  env: string;
}

export interface ProviderConnection {
  baseURL?: string;
  apiKey?: SecretReference;
}

/** `models.<alias>`: the provider and model an alias stands for. */
export interface ModelAlias {
  provider: ProviderName;
  model: string;
}

/** A checked policy: what `parsePolicy` and `loadPolicy` return, and what `routeRequest` reads. */
export interface Policy {
  /** Where it came from: the file's path, or `built-in default policy`. */
  source: string;
  /** How unlabeled requests, and labels no workload entry matches, are routed. */
  default: WorkloadRule & {
    /** The workload name unlabeled requests are counted under. */
    workload: string;
  };
  /** The `workloads:` entries in file order (order breaks ties between equally specific globs). */
  workloads: readonly WorkloadRule[];
  providers: Readonly<Partial<Record<ProviderName, ProviderConnection>>>;
  models: Readonly<Record<string, ModelAlias>>;
  gateway: {
    /** Refuse deferrable requests that arrive synchronously where an asynchronous lane was due. */
    enforce: boolean;
    /** Deferrable work with a shorter deadline than this does not go to the batch lane. */
    batchMinimumDeadlineMs: number;
    /** Completion webhooks may go to loopback, private and other non-public addresses. */
    allowPrivateWebhooks: boolean;
  };
  /** The file's `prices:` section, already applied to `priceBook`. */
  prices: PriceOverrides;
  /** The catalog with `prices:` applied: the router asks it which lanes a model offers. */
  priceBook: PriceBook;
}
