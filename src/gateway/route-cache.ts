import type { RouteDecision, RouteInput } from '../policy/types.js';

/** Distinct inputs remembered; past this the cache starts over (labels are a small set in practice). */
const maxEntries = 4096;

/**
 * The router with its decisions remembered per distinct input (workload, provider, model,
 * endpoint, asynchronous). A policy is fixed for the life of a gateway, so the same input always
 * gets the same decision, and computing it (glob matching, the lane plan, the reason sentence)
 * was ~6% of the gateway's CPU on the async accept path (`bench/async-enqueue.ts`). Decisions
 * are shared between requests and never modified. The cache is bounded: a client inventing a
 * new workload label per request costs the old price, not memory.
 */
export function rememberingRoute(
  route: (input: RouteInput) => RouteDecision,
): (input: RouteInput) => RouteDecision {
  let decisions = new Map<string, RouteDecision>();
  return (input) => {
    // NUL separates the key's parts; a value holding one could forge another input's key.
    if (input.model.includes('\u0000') || input.workload?.includes('\u0000')) return route(input);
    const key = `${input.asynchronous === true ? 'a' : 's'}${input.workload === undefined ? '\u0001' : `${input.workload}\u0000`}${input.provider}\u0000${input.endpoint}\u0000${input.model}`;
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = route(input);
      if (decisions.size >= maxEntries) decisions = new Map();
      decisions.set(key, decision);
    }
    return decision;
  };
}
