import type { Lane } from '../../prices/types.js';
import type { ArrivalPattern } from './arrival.js';

export type Verdict = 'interactive' | 'batchable' | 'flex-able' | 'unknown';

/** How a piece of evidence reads: a person waiting, a pipeline, nothing either way, or not known. */
export type Reading = 'person' | 'pipeline' | 'neutral' | 'missing';

/** One observation behind a verdict, in words a reviewer can check against the data. */
export interface Signal {
  /** `streaming`, `sessions`, `end-users`, `schedule`, `interval`, `bursts`, `business-hours`, `continuous`, `latency`, `volume`, `policy`, `lane`. */
  name: string;
  reading: Reading;
  text: string;
}

/** What the policy (when one was given) says about this workload. */
export interface PolicyLabel {
  rule: string;
  urgency: 'interactive' | 'deferrable';
  lane: Lane;
  deadlineMs?: number;
}

export interface Evidence {
  requests: number;
  rows: number;
  /** Share of requests streamed, over requests whose source says; `null` when none says. */
  streamingShare: number | null;
  /** Share of requests with a session id; `null` when the source never carries one. */
  sessionShare: number | null;
  endUserShare: number | null;
  /** Distinct sessions and end users, counted up to 1,000. */
  distinctSessions: number;
  distinctEndUsers: number;
  arrival: ArrivalPattern;
  latency: { p50Ms: number; p95Ms: number; knownShare: number } | null;
  /** Requests per lane as observed. */
  lanes: Record<Lane, number>;
  requestsPerDay: number;
  policy: PolicyLabel | null;
  signals: Signal[];
}
