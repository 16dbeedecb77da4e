import type { BatchLimits } from '../provider.js';

/** The provider's limits, lowered where settings ask for less; never raised past the provider's. */
export function lowerLimits(limits: BatchLimits, requested: Partial<BatchLimits> | undefined): BatchLimits {
  return {
    maxRequests: Math.min(limits.maxRequests, requested?.maxRequests ?? Number.POSITIVE_INFINITY),
    maxBytes: Math.min(limits.maxBytes, requested?.maxBytes ?? Number.POSITIVE_INFINITY),
    windowMs: Math.min(limits.windowMs, requested?.windowMs ?? Number.POSITIVE_INFINITY),
  };
}
