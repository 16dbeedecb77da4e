import { describe, expect, it } from 'vitest';
import { globMatches, matchWorkload, specificity } from './match.js';
import type { WorkloadRule } from './types.js';

const rule = (pattern: string): WorkloadRule => ({ pattern, urgency: 'deferrable' });

describe('globMatches', () => {
  it('matches * against any run of characters, none included, and nothing else specially', () => {
    expect(globMatches('eval-*', 'eval-')).toBe(true);
    expect(globMatches('eval-*', 'eval-nightly')).toBe(true);
    expect(globMatches('eval-*', 'evaluation')).toBe(false);
    expect(globMatches('*-backfill', 'embeddings-backfill')).toBe(true);
    expect(globMatches('a.b', 'aXb')).toBe(false);
    expect(globMatches('team/*/eval', 'team/search/eval')).toBe(true);
    expect(globMatches('support-chat', 'Support-Chat')).toBe(false);
  });
});

describe('matchWorkload', () => {
  it('prefers an exact name to any glob, wherever it is written', () => {
    const rules = [rule('eval-*'), rule('*'), rule('eval-smoke')];
    expect(matchWorkload(rules, 'eval-smoke')?.pattern).toBe('eval-smoke');
  });

  it('prefers the glob with more literal characters', () => {
    const rules = [rule('*'), rule('eval-*'), rule('eval-nightly-*'), rule('*-nightly-*')];
    expect(matchWorkload(rules, 'eval-nightly-gpt5')?.pattern).toBe('eval-nightly-*');
    expect(matchWorkload(rules, 'eval-weekly')?.pattern).toBe('eval-*');
    expect(matchWorkload(rules, 'chat')?.pattern).toBe('*');
  });

  it('breaks ties between equally specific globs by file order', () => {
    expect(matchWorkload([rule('ab-*'), rule('*-yz')], 'ab-yz')?.pattern).toBe('ab-*');
    expect(matchWorkload([rule('*-yz'), rule('ab-*')], 'ab-yz')?.pattern).toBe('*-yz');
  });

  it('returns undefined when nothing matches (the default applies)', () => {
    expect(matchWorkload([rule('eval-*')], 'support-chat')).toBeUndefined();
  });

  it('ranks exact names above every glob', () => {
    expect(specificity('x')).toBeGreaterThan(specificity('a-very-long-literal-prefix-*'));
    expect(specificity('eval-*')).toBe(5);
  });
});
