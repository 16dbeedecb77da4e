import { z } from 'zod';
import { providerNames } from '../providers/index.js';
import { describeZodIssues, PolicyError } from './issues.js';
import { routeRequest } from './route.js';
import { laneSchema, urgencySchema } from './schema.js';
import type { Policy, RouteDecision } from './types.js';
import { type Position, readYaml } from './yaml-source.js';

/**
 * `spendwall policy test cases.yaml`: example requests and the lane each must get, so a policy
 * change that moves a workload shows up in review (and in CI) as a failed case.
 */
export const casesFileSchema = z.strictObject({
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1).optional(),
        request: z.strictObject({
          workload: z.string().optional(),
          model: z.string().min(1),
          provider: z.string().min(1).optional(),
          endpoint: z.string().startsWith('/').optional(),
          async: z.boolean().default(false),
        }),
        expect: z.strictObject({
          lane: laneSchema,
          urgency: urgencySchema.optional(),
          missedSavings: z.boolean().optional(),
        }),
      }),
    )
    .min(1, { error: 'list at least one case' }),
});

export interface PolicyCase {
  name: string;
  /** Where the case starts in its file. */
  position: Position;
  request: { workload?: string; model: string; provider: string; endpoint: string; asynchronous: boolean };
  expect: { lane: string; urgency?: string; missedSavings?: boolean };
}

export interface CaseResult {
  case: PolicyCase;
  decision: RouteDecision;
  passed: boolean;
  /** What differs from the expectation: `lane: expected batch, got realtime`. */
  mismatches: string[];
}

const defaultEndpoints: Record<string, string> = { anthropic: '/v1/messages' };

/**
 * Reads a cases file. A request without `provider` takes it from the model alias, else from the
 * price catalog (the provider that lists the model), else `openai`; without `endpoint`, the
 * provider's chat endpoint.
 */
export function parseCases(text: string, place: string, policy: Policy): PolicyCase[] {
  const read = readYaml(text);
  if ('issues' in read) throw new PolicyError(place, read.issues);
  const parsed = casesFileSchema.safeParse(read.source.value);
  if (!parsed.success) {
    throw new PolicyError(place, describeZodIssues(parsed.error.issues, read.source, casesFileSchema));
  }
  return parsed.data.cases.map((entry, index) => {
    const provider = entry.request.provider ?? providerOf(policy, entry.request.model);
    return {
      name: entry.name ?? `case ${index + 1}`,
      position: read.source.locate(['cases', index]),
      request: {
        ...(entry.request.workload === undefined ? {} : { workload: entry.request.workload }),
        model: entry.request.model,
        provider,
        endpoint: entry.request.endpoint ?? defaultEndpoints[provider] ?? '/v1/chat/completions',
        asynchronous: entry.request.async,
      },
      expect: entry.expect,
    };
  });
}

function providerOf(policy: Policy, model: string): string {
  const alias = policy.models[model];
  if (alias) return alias.provider;
  return providerNames.find((name) => policy.priceBook.priceFor(name, model)) ?? 'openai';
}

/** Routes every case through the policy and compares the decision with what the case expects. */
export function runCases(policy: Policy, cases: readonly PolicyCase[]): CaseResult[] {
  return cases.map((entry) => {
    const decision = routeRequest(policy, entry.request);
    const mismatches: string[] = [];
    const compare = (field: 'lane' | 'urgency' | 'missedSavings') => {
      const expected = entry.expect[field];
      if (expected !== undefined && expected !== decision[field]) {
        mismatches.push(`${field}: expected ${expected}, got ${decision[field]}`);
      }
    };
    compare('lane');
    compare('urgency');
    compare('missedSavings');
    return { case: entry, decision, passed: mismatches.length === 0, mismatches };
  });
}
