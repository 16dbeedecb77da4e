import { z } from 'zod';
import { parseDuration } from '../core/durations.js';
import { priceOverridesSchema } from '../prices/schema.js';
import { providerNames } from '../providers/index.js';
import type { ProviderName } from '../providers/provider.js';

/**
 * The shape of `spendwall.yaml`. Every message here is written for the person editing the file;
 * `issues.ts` adds the file, line and column. `json-schema.ts` turns this schema into
 * `schema/spendwall.schema.json` for editors, so descriptions are written as hover help.
 */

/** The providers' batch completion window: no batch is promised sooner. */
export const providerBatchWindowMs = 24 * 3_600_000;

/**
 * The shortest deadline sent to batch by default. Providers promise 24 hours but most batches end
 * within an hour or two, and the batch lane re-runs on realtime whatever is unfinished shortly
 * before the deadline: batch first for anything that can wait an hour (spec §3: `nightly-*` with
 * 12h goes to batch, `ticket-triage` with 15m to flex).
 */
export const defaultBatchMinimumDeadlineMs = 3_600_000;

const durationMessage = 'expected a duration like 15m, 12h, 24h';

export const durationSchema = z
  .string({ error: durationMessage })
  .regex(/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/, { error: durationMessage, abort: true })
  .refine((text) => parseDuration(text, 'duration') > 0, { error: 'must be longer than zero' });

export const urgencySchema = z
  .enum(['interactive', 'deferrable'], {
    error: 'expected interactive (a person is waiting) or deferrable (a pipeline or an analyst can wait)',
  })
  .describe(
    'interactive: a person is waiting (always realtime). deferrable: a pipeline or an analyst can wait.',
  );

export const laneSchema = z.enum(['realtime', 'flex', 'batch'], {
  error: 'expected realtime, flex or batch',
});

/** Letters, digits and `._:/@-`, with `*` standing for any run of characters. */
export const workloadPatternSchema = z.string().regex(/^[A-Za-z0-9._:/@*-]+$/, {
  error: 'a workload name is letters, digits and . _ : / @ -, with * as a wildcard',
});

const ruleFields = {
  urgency: urgencySchema,
  deadline: durationSchema
    .optional()
    .describe(
      'How long the work may take (15m, 12h, 24h). Shorter than gateway.batchMinimumDeadline (1h): flex, else batch. Deferrable only.',
    ),
  lane: laneSchema
    .optional()
    .describe(
      'Pins the lane of deferrable work. Interactive work is always realtime, so a lane there is an error.',
    ),
  description: z
    .string()
    .min(1)
    .optional()
    .describe('Who waits for this work, or why nobody does; shown by `spendwall policy explain`.'),
};

interface RuleShape {
  urgency: 'interactive' | 'deferrable';
  deadline?: string | undefined;
  lane?: 'realtime' | 'flex' | 'batch' | undefined;
}

/** The hard rule, checked where it is written: interactive work never leaves the realtime lane. */
function checkInteractive(rule: RuleShape, context: z.RefinementCtx): void {
  if (rule.urgency !== 'interactive') return;
  if (rule.lane !== undefined && rule.lane !== 'realtime') {
    context.addIssue({
      code: 'custom',
      path: ['lane'],
      message: `interactive work always runs realtime (a person is waiting), so lane: ${rule.lane} is not allowed; make the workload deferrable to use ${rule.lane}`,
    });
  }
  if (rule.deadline !== undefined) {
    context.addIssue({
      code: 'custom',
      path: ['deadline'],
      message:
        'interactive work has no deadline (a person is waiting now); remove it, or make the workload deferrable',
    });
  }
}

export const workloadRuleSchema = z
  .strictObject(ruleFields)
  .superRefine(checkInteractive)
  .describe('How one workload (or every workload the glob matches) is routed.');

export const defaultRuleSchema = z
  .strictObject({
    ...ruleFields,
    urgency: urgencySchema.default('interactive'),
    workload: workloadPatternSchema
      .refine((name) => !name.includes('*'), { error: 'a workload name, not a glob' })
      .default('unlabeled')
      .describe('The workload name unlabeled requests are counted under.'),
  })
  .superRefine(checkInteractive)
  .describe('How unlabeled requests, and labels no workload entry matches, are routed.');

const environmentVariableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const secretReferenceSchema = z
  .strictObject(
    {
      env: z
        .string()
        .regex(environmentVariableName, {
          error: 'expected the name of an environment variable, like OPENAI_API_KEY',
        })
        .describe('The environment variable that holds the secret.'),
    },
    {
      // Never echo the value: it may be a real key.
      error: (issue) =>
        typeof issue.input === 'string'
          ? 'a secret must not be written in the policy file; write { env: VARIABLE_NAME } and set that variable'
          : 'expected { env: VARIABLE_NAME }',
    },
  )
  .describe('A secret, as a reference to the environment variable that holds it. Literal keys are refused.');

export const providerConnectionSchema = z.strictObject({
  baseURL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .refine((text) => !/^[a-z]+:\/\/[^/]*@/i.test(text), {
      error: 'must not carry credentials; put the key in apiKey: { env: VARIABLE_NAME }',
    })
    .optional()
    .describe("The provider's API base URL (a proxy, a regional endpoint, the emulator)."),
  apiKey: secretReferenceSchema.optional(),
});

const providerNameSchema = z.enum(providerNames as [ProviderName, ...ProviderName[]], {
  error: `expected a provider Spendwall supports: ${providerNames.join(', ')}`,
});

export const modelAliasSchema = z
  .strictObject({
    provider: providerNameSchema,
    model: z.string().min(1).describe("The provider's model id."),
  })
  .describe(
    'What the alias stands for; the router resolves aliases before asking which lanes a model offers.',
  );

export const gatewaySchema = z.strictObject({
  enforce: z
    .boolean({ error: 'expected true or false' })
    .default(false)
    .describe(
      'Refuse deferrable requests that arrive synchronously where the batch lane was due (instead of running them realtime and counting missed savings).',
    ),
  batchMinimumDeadline: durationSchema
    .refine((text) => parseDuration(text, 'batchMinimumDeadline') <= providerBatchWindowMs, {
      error: "must be at most 24h, the providers' batch completion window",
    })
    .default('1h')
    .describe(
      'Deferrable work whose deadline is shorter than this goes to flex (or realtime) instead of batch. Default 1h: most batches end well within it, and the deadline fallback re-runs what has not.',
    ),
  allowPrivateWebhooks: z
    .boolean({ error: 'expected true or false' })
    .default(false)
    .describe(
      'Allow completion webhooks (x-spendwall-webhook-url) to loopback, private, link-local, CGNAT, unique-local and other non-public addresses. Off by default: a team holding a gateway key could otherwise make the gateway call internal services (cloud metadata, admin ports).',
    ),
});

export const policyFileSchema = z
  .strictObject({
    version: z
      .literal(1, { error: 'expected version: 1' })
      .describe('The policy file format; 1 is the only one.'),
    default: defaultRuleSchema.default({ urgency: 'interactive', workload: 'unlabeled' }),
    workloads: z
      .record(workloadPatternSchema, workloadRuleSchema)
      .default({})
      .describe(
        'Workload name or glob → routing. An exact name beats a glob; a glob with more literal characters beats one with fewer; then file order.',
      ),
    providers: z
      .partialRecord(providerNameSchema, providerConnectionSchema)
      .default({})
      .describe('Where to reach each provider. Secrets only as { env: VARIABLE_NAME }.'),
    models: z
      .record(z.string().min(1), modelAliasSchema)
      .default({})
      .describe('Model aliases: a name clients may send → the provider and model it stands for.'),
    gateway: gatewaySchema.default({
      enforce: false,
      batchMinimumDeadline: '1h',
      allowPrivateWebhooks: false,
    }),
    prices: priceOverridesSchema
      .default({})
      .describe(
        'Price overrides, USD per million tokens: { provider: { model: { realtime, batch, flex } } }. See docs/prices.md.',
      ),
  })
  .meta({
    title: 'Spendwall routing policy (spendwall.yaml)',
    description:
      'Which workloads are interactive and which can wait, and so which lane each request runs in. See docs/policy.md.',
  });

export type PolicyFile = z.output<typeof policyFileSchema>;
