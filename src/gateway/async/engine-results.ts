import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { SpendwallError } from '../../core/errors.js';

/**
 * Reads what the batch lane's engine wrote for a job: `results.jsonl` (one line per accepted input
 * line) and the rejects file (lines it could not accept). These files are the engine's public
 * output, so the async lane depends on their documented shape, not on the engine's tables.
 */

const errorSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

const resultSchema = z.object({
  custom_id: z.string(),
  line: z.number(),
  status: z.string(),
  lane: z.string().nullable(),
  attempts: z.number(),
  response: z.object({ status_code: z.number().nullable(), body: z.unknown() }).nullable(),
  error: errorSchema.nullable(),
  cost_usd: z.number().nullable(),
});

export type EngineResult = z.infer<typeof resultSchema>;

const rejectSchema = z.object({
  line: z.number(),
  custom_id: z.string().nullable(),
  code: z.string(),
  reason: z.string(),
});

export type EngineReject = z.infer<typeof rejectSchema>;

export function readEngineResults(path: string): AsyncGenerator<EngineResult> {
  return readLines(path, resultSchema);
}

export function readEngineRejects(path: string): AsyncGenerator<EngineReject> {
  return readLines(path, rejectSchema);
}

async function* readLines<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
): AsyncGenerator<z.infer<Schema>> {
  if (!existsSync(path)) return;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const text of lines) {
    number++;
    if (text.length === 0) continue;
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new SpendwallError(`unexpected engine output: ${parsed.error.issues[0]?.message ?? 'bad line'}`, {
        code: 'engine_output_invalid',
        place: `${path}:${number}`,
      });
    }
    yield parsed.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** USD as the results file has it → integer nano-USD, as the store keeps money. */
export function nanoUsd(usd: number | null): number | null {
  return usd === null ? null : Math.round(usd * 1e9);
}
