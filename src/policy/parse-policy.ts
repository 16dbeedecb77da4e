import { parseDuration } from '../core/durations.js';
import { ConfigError } from '../core/errors.js';
import { createPriceBook, type PriceBook, type PriceOverrides } from '../prices/index.js';
import { fieldPath } from '../prices/schema.js';
import { describeZodIssues, PolicyError } from './issues.js';
import { type PolicyFile, policyFileSchema } from './schema.js';
import type { Policy, WorkloadRule } from './types.js';
import { readYaml, type YamlSource } from './yaml-source.js';

/**
 * Reads a policy from YAML text. `place` names the file in errors (`spendwall.yaml`). Every
 * problem is reported at once, each with its line and column, as a `PolicyError`.
 */
export function parsePolicy(text: string, place = 'spendwall.yaml'): Policy {
  const read = readYaml(text);
  if ('issues' in read) throw new PolicyError(place, read.issues);
  const parsed = policyFileSchema.safeParse(read.source.value);
  if (!parsed.success) {
    throw new PolicyError(place, describeZodIssues(parsed.error.issues, read.source, policyFileSchema));
  }
  const file = parsed.data;
  return {
    source: place,
    default: { ...toRule('default', file.default), workload: file.default.workload },
    workloads: Object.entries(file.workloads).map(([pattern, entry]) => toRule(pattern, entry)),
    providers: file.providers,
    models: file.models,
    gateway: {
      enforce: file.gateway.enforce,
      batchMinimumDeadlineMs: parseDuration(
        file.gateway.batchMinimumDeadline,
        'gateway.batchMinimumDeadline',
      ),
      allowPrivateWebhooks: file.gateway.allowPrivateWebhooks,
    },
    prices: file.prices,
    priceBook: buildPriceBook(file.prices, read.source, place),
  };
}

type RuleEntry = PolicyFile['workloads'][string];

function toRule(pattern: string, entry: RuleEntry): WorkloadRule {
  return {
    pattern,
    urgency: entry.urgency,
    ...(entry.deadline === undefined
      ? {}
      : { deadline: entry.deadline, deadlineMs: parseDuration(entry.deadline, `${pattern}.deadline`) }),
    ...(entry.lane === undefined ? {} : { lane: entry.lane }),
    ...(entry.description === undefined ? {} : { description: entry.description }),
  };
}

/**
 * Applies `prices:` to the catalog. What only the catalog can tell (a model it does not know,
 * given without realtime prices) is found here; the price book names the field, and this finds
 * the line it was written on.
 */
function buildPriceBook(prices: PriceOverrides, source: YamlSource, place: string): PriceBook {
  try {
    return createPriceBook(prices, { place: 'prices' });
  } catch (error) {
    if (!(error instanceof ConfigError) || !error.place) throw error;
    const path = findPath(prices, error.place) ?? ['prices'];
    const message = error.message.slice(error.place.length + 2);
    throw new PolicyError(place, [{ position: source.locate(path), field: error.place, message }]);
  }
}

/** The path whose `fieldPath` is `place`: `prices.openai["gpt-4.1"].realtime` → its segments. */
function findPath(prices: PriceOverrides, place: string): string[] | undefined {
  for (const [provider, models] of Object.entries(prices)) {
    for (const [model, override] of Object.entries(models)) {
      for (const path of [[provider, model], ...Object.keys(override).map((key) => [provider, model, key])]) {
        if (fieldPath('prices', path) === place) return ['prices', ...path];
      }
      // A missing field (`realtime` of a new model) is not in the file: point at the model.
      if (place.startsWith(`${fieldPath('prices', [provider, model])}.`)) return ['prices', provider, model];
    }
  }
  return undefined;
}
