import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/**
 * Everything an emulator can be told, by code (`createEmulator(options)`) or by a YAML/JSON file
 * (`spendwall emulate --config emulator.yaml`). Every field has a default that behaves like the
 * real providers on a good day; faults are all off unless asked for.
 */

const rate = z.number().min(0).max(1);

/** Faults on one HTTP route. Rates are fractions of that route's requests. */
export const routeFaultsSchema = z.strictObject({
  /** Answer 429 (rate limited), with `retry-after` and `retry-after-ms`. */
  status429: rate.default(0),
  /** Answer 500 (server error). */
  status500: rate.default(0),
  /** Answer 503 (overloaded), with `retry-after` and `retry-after-ms`. */
  status503: rate.default(0),
  /** Delay the answer by `slowMs` real milliseconds. */
  slow: rate.default(0),
  slowMs: z.number().int().min(0).default(2000),
  /** Close the connection without answering. */
  drop: rate.default(0),
});
export type RouteFaults = z.output<typeof routeFaultsSchema>;

/** Faults inside provider batches. Line rates are fractions of lines; batch rates of batches. */
export const batchFaultsSchema = z.strictObject({
  /** Lines that fail with a server error (a retry in another batch can succeed). */
  lineRetryable: rate.default(0),
  /** Lines that fail as invalid requests (a retry cannot help). */
  lineInvalid: rate.default(0),
  /** Batches that do not finish inside their completion window and expire with partial output. */
  expire: rate.default(0),
  /** 1-based creation numbers of batches that expire, for tests that need exactly one. */
  expireBatchNumbers: z.array(z.number().int().min(1)).default([]),
  /** Of an expiring batch's lines, the fraction that finished before the window closed. */
  expireFinishedFraction: rate.default(0.5),
  /** Batches that fail validation as a whole. */
  failValidation: rate.default(0),
  /** Batches that take `longRunFactor` times longer than usual (still inside the window). */
  runLong: rate.default(0),
  longRunFactor: z.number().min(1).default(10),
});
export type BatchFaults = z.output<typeof batchFaultsSchema>;

export const faultsSchema = z.strictObject({
  /**
   * Per-route faults keyed by `METHOD /path` with `:param` placeholders, e.g.
   * `POST /v1/chat/completions` or `GET /v1/batches/:id`; `*` applies to every route not named.
   */
  routes: z.record(z.string(), routeFaultsSchema).default({}),
  /** OpenAI `service_tier: "flex"` requests refused with 429 `resource_unavailable`. */
  flexRefuse: rate.default(0),
  batches: batchFaultsSchema.prefault({}),
});
export type Faults = z.output<typeof faultsSchema>;

export const emulatorOptionsSchema = z.strictObject({
  /** Seed for every generated output, identifier and fault draw. */
  seed: z.number().int().default(42),
  /** Accepted API keys; when absent any non-empty key is accepted (a missing one still gets 401). */
  apiKeys: z.array(z.string().min(1)).optional(),
  clock: z
    .strictObject({
      /** Emulated seconds per real second: 3600 lets a 24 h window pass in 24 s. */
      scale: z.number().min(0).default(1),
      /** Batches finish on their first read after creation, whatever their size. */
      instant: z.boolean().default(false),
    })
    .prefault({}),
  /** Timings in emulated seconds unless named otherwise. */
  timing: z
    .strictObject({
      validatingSeconds: z.number().min(0).default(20),
      secondsPerRequest: z.number().min(0).default(0.2),
      minProcessingSeconds: z.number().min(0).default(60),
      finalizingSeconds: z.number().min(0).default(15),
      cancellingSeconds: z.number().min(0).default(10),
      /** OpenAI's completion window: only `24h` exists today. */
      batchWindowSeconds: z.number().positive().default(86_400),
      /** Real milliseconds added to every real-time answer. */
      realtimeLatencyMs: z.number().min(0).default(0),
      /** Real milliseconds added to `service_tier: "flex"` answers on top of the above. */
      flexLatencyMs: z.number().min(0).default(25),
      /** Real milliseconds between streamed chunks. */
      streamChunkDelayMs: z.number().min(0).default(0),
      /** What 429 and 503 answers ask clients to wait, in real milliseconds (`retry-after-ms`). */
      retryAfterMs: z.number().int().min(0).default(500),
    })
    .prefault({}),
  limits: z
    .strictObject({
      openaiBatchMaxRequests: z.number().int().positive().default(50_000),
      openaiBatchMaxBytes: z
        .number()
        .int()
        .positive()
        .default(200 * 1024 * 1024),
      openaiFileMaxBytes: z
        .number()
        .int()
        .positive()
        .default(512 * 1024 * 1024),
      anthropicBatchMaxRequests: z.number().int().positive().default(100_000),
      anthropicBatchMaxBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1024 * 1024),
      /** Enqueued input tokens per model across unfinished OpenAI batches; `*` for every model. */
      enqueuedTokens: z.record(z.string(), z.number().int().positive()).default({ '*': 5_000_000_000 }),
    })
    .prefault({}),
  faults: faultsSchema.prefault({}),
  webhooks: z
    .strictObject({
      /** Where signed events are POSTed. */
      url: z.url(),
      /** The signing secret, `whsec_` followed by base64. */
      secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'a secret of the form whsec_<base64>'),
    })
    .optional(),
});

export type EmulatorOptions = z.input<typeof emulatorOptionsSchema>;
export type ResolvedEmulatorOptions = z.output<typeof emulatorOptionsSchema>;

/** Validates options and fills in defaults; errors name the field that is wrong. */
export function resolveEmulatorOptions(
  options: EmulatorOptions = {},
  source = 'emulator options',
): ResolvedEmulatorOptions {
  const result = emulatorOptionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    throw new ConfigError(`${field}: ${issue.message}`, { place: source });
  }
  return result.data;
}

/** Reads emulator options from a YAML or JSON file. */
export async function loadEmulatorOptions(path: string): Promise<ResolvedEmulatorOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      place: path,
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(`not valid YAML or JSON: ${(error as Error).message}`, {
      place: path,
      cause: error,
    });
  }
  return resolveEmulatorOptions((parsed ?? {}) as EmulatorOptions, path);
}
