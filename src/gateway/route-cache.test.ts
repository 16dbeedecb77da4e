import { describe, expect, it } from 'vitest';
import type { RouteDecision, RouteInput } from '../policy/types.js';
import { interactiveRoute } from './interactive-route.js';
import { rememberingRoute } from './route-cache.js';

describe('rememberingRoute', () => {
  const counting = () => {
    const calls: RouteInput[] = [];
    const route = rememberingRoute((input): RouteDecision => {
      calls.push(input);
      return interactiveRoute(input);
    });
    return { calls, route };
  };
  const input: RouteInput = {
    workload: 'triage',
    provider: 'openai',
    model: 'gpt-4o-mini',
    endpoint: '/v1/chat/completions',
    asynchronous: false,
  };

  it('asks the router once per distinct input and answers the same decision after', () => {
    const { calls, route } = counting();
    const first = route(input);
    expect(route({ ...input })).toBe(first);
    expect(calls).toHaveLength(1);
    route({ ...input, asynchronous: true });
    route({ ...input, workload: undefined });
    route({ ...input, workload: '' });
    route({ ...input, model: 'gpt-4o' });
    expect(calls).toHaveLength(5);
  });

  it('never remembers inputs holding NUL, which could pass for another input', () => {
    const { calls, route } = counting();
    const forged = { ...input, workload: 'a\u0000openai', model: 'm' };
    route(forged);
    route(forged);
    expect(calls).toHaveLength(2);
  });
});
