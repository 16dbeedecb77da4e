import type { Lane } from '../prices/types.js';

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
