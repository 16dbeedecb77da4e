import { type RandomSource, randomToken } from '../../core/random.js';
import type { EmulatorContext } from '../context.js';
import { lineFault, lineFaultBody } from './batch-faults.js';
import { answeredLine, JsonlWriter, unrunLine } from './batch-output.js';
import { executeOpenAIRequest } from './execute.js';

/** `usage` of a batch object: the sum over the lines that succeeded. */
export interface BatchUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function emptyUsage(): BatchUsage {
  return {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  };
}

/**
 * Runs the lines of one batch through the real-time executor (so a line's answer is exactly what
 * the real-time call returns) and sorts the answers into the output and error files.
 */
export class BatchExecution {
  readonly output = new JsonlWriter();
  readonly errors = new JsonlWriter();
  readonly counts = { completed: 0, failed: 0 };
  readonly usage = emptyUsage();

  constructor(
    private readonly context: EmulatorContext,
    private readonly endpoint: string,
    private readonly batchNumber: number,
    /** Per-batch stream for line and request ids, so ids do not depend on what other batches do. */
    private readonly random: RandomSource,
  ) {}

  run(customId: string, body: Record<string, unknown>): void {
    const faults = this.context.options.faults.batches;
    const fault = lineFault(faults, this.context.options.seed, this.batchNumber, customId);
    const outcome = fault ? lineFaultBody(fault) : executeOpenAIRequest(this.context, this.endpoint, body);
    const text = answeredLine(
      this.lineId(),
      customId,
      outcome.statusCode,
      hexToken(this.random, 32),
      outcome.body,
    );
    if (outcome.statusCode >= 200 && outcome.statusCode < 300) {
      this.output.write(text);
      this.counts.completed++;
      addUsage(this.usage, outcome.body);
    } else {
      this.errors.write(text);
      this.counts.failed++;
    }
  }

  /** A line the batch never ran, because it expired or was cancelled first. */
  skip(customId: string, reason: 'batch_expired' | 'batch_cancelled'): void {
    this.errors.write(unrunLine(this.lineId(), customId, reason));
    this.counts.failed++;
  }

  private lineId(): string {
    return `batch_req_${randomToken(this.random, 24)}`;
  }
}

function hexToken(random: RandomSource, length: number): string {
  let token = '';
  for (let index = 0; index < length; index++) token += Math.floor(random() * 16).toString(16);
  return token;
}

/** Adds a response body's `usage`, whichever endpoint's names it uses (chat, responses, embeddings). */
function addUsage(usage: BatchUsage, body: unknown): void {
  const reported = field(body, 'usage');
  if (reported === undefined) return;
  const input = numberOf(field(reported, 'prompt_tokens') ?? field(reported, 'input_tokens'));
  const output = numberOf(field(reported, 'completion_tokens') ?? field(reported, 'output_tokens'));
  const inputDetails = field(reported, 'prompt_tokens_details') ?? field(reported, 'input_tokens_details');
  const outputDetails =
    field(reported, 'completion_tokens_details') ?? field(reported, 'output_tokens_details');
  usage.input_tokens += input;
  usage.output_tokens += output;
  usage.input_tokens_details.cached_tokens += numberOf(field(inputDetails, 'cached_tokens'));
  usage.output_tokens_details.reasoning_tokens += numberOf(field(outputDetails, 'reasoning_tokens'));
  usage.total_tokens += numberOf(field(reported, 'total_tokens') ?? input + output);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
