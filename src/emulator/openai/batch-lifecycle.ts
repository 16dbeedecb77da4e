import { randomToken, seededRandom, shuffled } from '../../core/random.js';
import type { EmulatorContext } from '../context.js';
import { BatchExecution } from './batch-execution.js';
import type { BatchFaultPlan } from './batch-faults.js';
import { type BatchError, type BatchInput, lineBody } from './batch-input.js';
import type { JsonlWriter } from './batch-output.js';
import { type BatchSchedule, planSchedule } from './batch-schedule.js';
import { promptTokenBound, promptTokens } from './batch-tokens.js';
import { batchFileLifetimeSeconds, type FileStore } from './file-store.js';

export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

export const terminalStatuses: ReadonlySet<BatchStatus> = new Set([
  'failed',
  'completed',
  'expired',
  'cancelled',
]);

export interface BatchRequest {
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  /** `output_expires_after.seconds`, or null for OpenAI's default of 30 days. */
  outputLifetimeSeconds: number | null;
}

/** What a batch needs from the emulator around it. */
export interface BatchSurroundings {
  context: EmulatorContext;
  files: FileStore;
  /** OpenAI's enqueued-token check, made when validation ends; needs every batch of the model. */
  tokenLimitError(batch: OpenAIBatch, at: number): BatchError | null;
  /** Whether a batch's prompt tokens may still be asked for once its lines are released. */
  tokensStillNeeded(batch: OpenAIBatch): boolean;
}

/**
 * One OpenAI batch moving through validating → in_progress → finalizing → completed (or failed,
 * expired, cancelling → cancelled) on emulated time. Nothing runs on a timer of its own: `advance`
 * catches the batch up to a moment, and is called on every read and by the emulator's ticker.
 */
export class OpenAIBatch {
  status: BatchStatus = 'validating';
  /** Emulated epoch ms of each transition, null until it happens. */
  readonly at = {
    inProgress: null as number | null,
    finalizing: null as number | null,
    completed: null as number | null,
    failed: null as number | null,
    expired: null as number | null,
    cancelling: null as number | null,
    cancelled: null as number | null,
  };
  readonly expiresAt: number;
  errors: BatchError[] | null = null;
  total = 0;
  outputFileId: string | null = null;
  errorFileId: string | null = null;
  readonly execution: BatchExecution;
  readonly model: string | null;
  readonly promptTokenBound: number;
  private exactPromptTokens: number | null = null;
  /** The file's lines, dropped once the batch ends so a finished batch holds no request data. */
  private input: BatchInput | null;
  private order: number[] = [];
  private processed = 0;
  private schedule: BatchSchedule | null = null;

  constructor(
    readonly id: string,
    readonly number: number,
    readonly createdAt: number,
    readonly request: BatchRequest,
    input: BatchInput,
    readonly faults: BatchFaultPlan,
    private readonly surroundings: BatchSurroundings,
  ) {
    const { options } = surroundings.context;
    this.expiresAt = createdAt + options.timing.batchWindowSeconds * 1000;
    this.input = input;
    this.model = input.model;
    this.promptTokenBound = promptTokenBound(input);
    const random = seededRandom(`batch-lines:${options.seed}:${id}`);
    this.execution = new BatchExecution(surroundings.context, request.endpoint, number, random);
  }

  get finished(): boolean {
    return terminalStatuses.has(this.status);
  }

  /** Whether validation has ended (and so the file's model is known). */
  get validated(): boolean {
    return this.at.inProgress !== null || this.at.failed !== null;
  }

  /** When the batch reached its final status, or null while it runs. */
  get endedAt(): number | null {
    return this.at.completed ?? this.at.failed ?? this.at.expired ?? this.at.cancelled;
  }

  /** Whether this batch's prompt tokens count against the enqueued limit at `at`. */
  enqueuedAt(at: number): boolean {
    const ended = this.endedAt;
    return this.at.inProgress !== null && this.at.inProgress <= at && (ended === null || ended > at);
  }

  promptTokens(): number {
    if (this.exactPromptTokens === null) {
      // Released lines cannot be counted; the bound is the safe over-estimate.
      this.exactPromptTokens = this.input
        ? promptTokens(this.request.endpoint, this.input)
        : this.promptTokenBound;
    }
    return this.exactPromptTokens;
  }

  /**
   * Catches the batch up to emulated time `now`. With a `deadline` (a `performance.now()` value) it
   * stops running lines once the deadline passes and answers false: the background ticker works in
   * slices so that a 50,000-line batch never blocks the event loop for seconds.
   */
  advance(now: number, deadline = Number.POSITIVE_INFINITY): boolean {
    const timing = this.surroundings.context.options.timing;
    for (;;) {
      if (this.status === 'validating') {
        // An instant batch runs its whole life at the first look after creation.
        const at = this.instant ? now : this.createdAt + timing.validatingSeconds * 1000;
        if (now < at) return true;
        this.finishValidation(at);
      } else if (this.status === 'in_progress') {
        const schedule = this.schedule!;
        if (!this.runLines(schedule.doneBy(Math.min(now, schedule.endAt)), deadline)) return false;
        if (now < schedule.endAt) return true;
        if (schedule.outcome === 'expired') this.end('expired', schedule.endAt);
        else {
          this.status = 'finalizing';
          this.at.finalizing = schedule.endAt;
        }
      } else if (this.status === 'finalizing') {
        const at = this.at.finalizing! + this.phase(timing.finalizingSeconds);
        if (now < at) return true;
        this.end('completed', at);
      } else if (this.status === 'cancelling') {
        const at = this.at.cancelling! + this.phase(timing.cancellingSeconds);
        if (now < at) return true;
        this.end('cancelled', at);
      } else {
        return true;
      }
    }
  }

  /** Starts cancelling at `now`; answers the status that forbids it when the batch cannot be cancelled. */
  cancel(now: number): { refused: BatchStatus } | undefined {
    this.advance(now);
    if (this.status === 'cancelling') return undefined;
    if (this.status !== 'validating' && this.status !== 'in_progress') return { refused: this.status };
    this.status = 'cancelling';
    this.at.cancelling = now;
    return undefined;
  }

  private get instant(): boolean {
    return this.surroundings.context.clock.instant;
  }

  private phase(seconds: number): number {
    return this.instant ? 0 : seconds * 1000;
  }

  private finishValidation(at: number): void {
    const input = this.input!;
    let errors = input.errors;
    if (errors.length === 0 && this.faults.failValidation) {
      errors = [
        {
          code: 'validation_failed',
          message:
            'The batch input file could not be validated (fault injected by faults.batches.failValidation). A new batch with the same file may succeed.',
          param: null,
          line: null,
        },
      ];
    }
    if (errors.length === 0) {
      const tokenError = this.surroundings.tokenLimitError(this, at);
      if (tokenError) errors = [tokenError];
    }
    if (errors.length > 0) {
      this.errors = errors;
      this.end('failed', at);
      return;
    }
    const { context } = this.surroundings;
    this.status = 'in_progress';
    this.at.inProgress = at;
    this.total = input.lines.length;
    // OpenAI does not keep the input order; a seeded shuffle makes the emulator's order reproducible.
    const random = seededRandom(`batch-order:${context.options.seed}:${this.id}`);
    this.order = shuffled(
      input.lines.map((_, index) => index),
      random,
    );
    this.schedule = planSchedule({
      startAt: at,
      expiresAt: this.expiresAt,
      lineCount: this.total,
      instant: context.clock.instant,
      faults: this.faults,
      options: context.options,
    });
  }

  /** Runs lines up to `target`; false when the deadline stopped it first. */
  private runLines(target: number, deadline: number): boolean {
    const input = this.input!;
    while (this.processed < target) {
      const line = input.lines[this.order[this.processed]!]!;
      this.execution.run(line.customId, lineBody(input, line));
      this.processed++;
      // Reading the clock every line would cost more than some lines do.
      if (this.processed % 32 === 0 && performance.now() > deadline) return this.processed >= target;
    }
    return true;
  }

  private end(status: 'completed' | 'failed' | 'expired' | 'cancelled', at: number): void {
    const wasRunning = this.at.inProgress !== null;
    if (wasRunning && (status === 'expired' || status === 'cancelled')) {
      const lines = this.input!.lines;
      const reason = status === 'expired' ? 'batch_expired' : 'batch_cancelled';
      for (let index = this.processed; index < this.order.length; index++) {
        this.execution.skip(lines[this.order[index]!]!.customId, reason);
      }
      this.processed = this.order.length;
    }
    this.status = status;
    this.at[status] = at;
    this.outputFileId = this.writeFile(this.execution.output, 'output', at);
    this.errorFileId = this.writeFile(this.execution.errors, 'error', at);
    if (this.surroundings.tokensStillNeeded(this)) this.promptTokens();
    this.input = null;
    this.order = [];
    const { options, webhooks } = this.surroundings.context;
    webhooks.send({
      // Drawn from the batch's own stream: the background ticker's timing must not change the id.
      id: `evt_${randomToken(seededRandom(`batch-event:${options.seed}:${this.id}`), 32)}`,
      object: 'event',
      type: `batch.${status}`,
      created_at: Math.floor(at / 1000),
      data: { id: this.id },
    });
  }

  private writeFile(writer: JsonlWriter, kind: 'output' | 'error', at: number): string | null {
    if (writer.lineCount === 0) return null;
    const createdAt = Math.floor(at / 1000);
    const lifetime = this.request.outputLifetimeSeconds ?? batchFileLifetimeSeconds;
    const file = this.surroundings.files.add({
      purpose: 'batch_output',
      filename: `${this.id}_${kind}.jsonl`,
      ...writer.content(),
      createdAt,
      expiresAt: createdAt + lifetime,
    });
    return file.id;
  }
}
