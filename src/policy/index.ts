/**
 * The routing policy: `spendwall.yaml` read and checked, and the router that turns a request's
 * workload and model into a lane. See docs/policy.md.
 */
export { type CaseResult, type PolicyCase, parseCases, runCases } from './cases.js';
export { defaultPolicy } from './default-policy.js';
export { type ExplainRow, explainPolicy, renderExplainMarkdown } from './explain.js';
export { PolicyError } from './issues.js';
export { jsonSchemaPath, policyJsonSchema } from './json-schema.js';
export { findPolicyFile, loadPolicy, loadPolicyFor, policyFileName } from './load-policy.js';
export { globMatches, matchWorkload } from './match.js';
export { parsePolicy } from './parse-policy.js';
export { providerConnectionFrom } from './provider-settings.js';
export { routeRequest } from './route.js';
export { type PolicyFile, policyFileSchema } from './schema.js';
export type * from './types.js';
export type { Position, SourceIssue } from './yaml-source.js';
