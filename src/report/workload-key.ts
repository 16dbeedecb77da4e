import type { UsageRecord } from './usage-record.js';

/** Which field of a row named its workload, strongest first. */
export type WorkloadKeySource =
  | 'workload'
  | 'tag'
  | 'project'
  | 'service'
  | 'api-key'
  | 'user-agent'
  | 'none';

export const workloadKeyPrecedence: readonly WorkloadKeySource[] = [
  'workload',
  'tag',
  'project',
  'service',
  'api-key',
  'user-agent',
  'none',
];

export interface WorkloadKey {
  /** The name shown in reports: the label itself, or `project:…`, `service:…`, `key:…`, `agent:…`. */
  name: string;
  source: WorkloadKeySource;
  /** Whether `name` is a workload label (matched against a policy's workload names), not a stand-in. */
  isLabel: boolean;
}

/** Rows that carry nothing to group them by are counted together, never dropped. */
export const unlabeledWorkload = '(unlabeled)';

/**
 * Groups a row into a workload by the first of these it carries:
 * 1. its workload label (Spendwall's ledger, a `workload` metadata field);
 * 2. a tag: `workload:NAME` / `workload=NAME` wins, else the first tag (`tag:NAME`, or as written
 *    when it has its own prefix such as `project:catalog`);
 * 3. its project; 4. its calling service (OpenTelemetry's `service.name`); 5. its API key id;
 * 6. its user agent (without the version);
 * else `(unlabeled)`. The prefix says which one it was, so `key:…` is never mistaken for a label.
 */
export function workloadKeyOf(record: UsageRecord): WorkloadKey {
  if (record.workload) return { name: record.workload, source: 'workload', isLabel: true };
  const tags = record.tags;
  if (tags && tags.length > 0) {
    for (const tag of tags) {
      const match = /^workload[:=](.+)$/.exec(tag);
      if (match) return { name: match[1]!, source: 'tag', isLabel: true };
    }
    // A tag that already says what it is (`project:catalog`, `service:indexer`) keeps its prefix.
    const first = tags[0];
    if (first) return { name: first.includes(':') ? first : `tag:${first}`, source: 'tag', isLabel: false };
  }
  if (record.project) return { name: `project:${record.project}`, source: 'project', isLabel: false };
  if (record.service) return { name: `service:${record.service}`, source: 'service', isLabel: false };
  if (record.apiKey) return { name: `key:${record.apiKey}`, source: 'api-key', isLabel: false };
  if (record.userAgent) {
    return { name: `agent:${record.userAgent.split('/')[0]!.trim()}`, source: 'user-agent', isLabel: false };
  }
  return { name: unlabeledWorkload, source: 'none', isLabel: false };
}
