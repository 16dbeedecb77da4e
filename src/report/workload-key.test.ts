import { describe, expect, it } from 'vitest';
import type { UsageRecord } from './usage-record.js';
import { workloadKeyOf } from './workload-key.js';

const base: UsageRecord = {
  startedAt: 0,
  requests: 1,
  provider: 'openai',
  model: 'gpt-4o-mini',
  lane: 'realtime',
  inputTokens: 1,
  outputTokens: 1,
  origin: { format: 'jsonl', path: 'usage.jsonl', position: 'line 1' },
};

describe('workloadKeyOf', () => {
  it('takes the first of workload label, tag, project, service, API key, user agent', () => {
    const all = {
      ...base,
      workload: 'nightly',
      tags: ['workload:from-tag'],
      project: 'catalog',
      service: 'indexer',
      apiKey: 'key-1',
      userAgent: 'cron/1.2',
    };
    expect(workloadKeyOf(all)).toEqual({ name: 'nightly', source: 'workload', isLabel: true });
    expect(workloadKeyOf({ ...all, workload: undefined })).toEqual({
      name: 'from-tag',
      source: 'tag',
      isLabel: true,
    });
    expect(workloadKeyOf({ ...all, workload: undefined, tags: ['red'] }).name).toBe('tag:red');
    expect(workloadKeyOf({ ...all, workload: undefined, tags: ['project:x', 'workload=y'] }).name).toBe('y');
    expect(workloadKeyOf({ ...all, workload: undefined, tags: undefined }).name).toBe('project:catalog');
    expect(workloadKeyOf({ ...base, service: 'indexer', apiKey: 'key-1' }).name).toBe('service:indexer');
    expect(workloadKeyOf({ ...base, apiKey: 'key-1', userAgent: 'cron/1.2' }).name).toBe('key:key-1');
    expect(workloadKeyOf({ ...base, userAgent: 'cron/1.2 (linux)' })).toEqual({
      name: 'agent:cron',
      source: 'user-agent',
      isLabel: false,
    });
    expect(workloadKeyOf(base)).toEqual({ name: '(unlabeled)', source: 'none', isLabel: false });
  });
});
