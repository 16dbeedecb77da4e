import { seededRandom, shuffled } from '../../core/random.js';
import { lineFault, planBatchFaults } from '../batch-faults.js';
import type { EmulatorContext } from '../context.js';
import type { BatchFaults } from '../options.js';
import { type MessageCreateParams, validateMessageParams } from './message-schemas.js';
import type { AnthropicModel } from './models-catalog.js';

/**
 * Message batches on emulated time. A batch is planned when it is created (how long its lines
 * take, whether a fault makes it expire or run long) and moved forward lazily: every read, and a
 * background ticker, end what is due. Nothing about a batch depends on when it was read, only on
 * emulated time, so runs with the same seed and clock steps give the same batches.
 */

export type ProcessingStatus = 'in_progress' | 'canceling' | 'ended';

export type LineOutcome =
  | { type: 'succeeded'; params: MessageCreateParams; model: AnthropicModel }
  | { type: 'errored'; errorType: 'invalid_request_error' | 'not_found_error' | 'api_error'; message: string }
  | { type: 'canceled' }
  | { type: 'expired' };

export interface BatchRequest {
  customId: string;
  params: unknown;
}

export interface RequestCounts {
  processing: number;
  succeeded: number;
  errored: number;
  canceled: number;
  expired: number;
}

export interface AnthropicBatch {
  readonly id: string;
  /** 1-based creation number across both providers: the key of batch-level faults. */
  readonly number: number;
  readonly requests: readonly BatchRequest[];
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Emulated milliseconds to process every line. */
  readonly processingMs: number;
  /** When the batch ends if nobody cancels it, and how many lines are finished by then. */
  readonly plannedEndAt: number;
  readonly plannedFinished: number;
  status: ProcessingStatus;
  cancelInitiatedAt: number | null;
  cancelEndsAt: number | null;
  cancelFinished: number | null;
  endedAt: number | null;
  /** Per request, in request order; set when the batch ends. */
  outcomes: LineOutcome[] | null;
  deleted: boolean;
}

export class AnthropicBatchStore {
  private readonly byId = new Map<string, AnthropicBatch>();
  /** Every batch ever created, oldest first; deleted ones stay so list cursors keep working. */
  private readonly created: AnthropicBatch[] = [];
  private readonly unfinished = new Set<AnthropicBatch>();

  constructor(private readonly context: EmulatorContext) {}

  create(requests: BatchRequest[]): AnthropicBatch {
    const { options, clock, record } = this.context;
    const number = record.batches.length + 1;
    const faults = options.faults.batches;
    const timing = options.timing;
    const createdAt = clock.now();
    const windowMs = timing.batchWindowSeconds * 1000;
    const expiresAt = createdAt + windowMs;
    const runsLong = planBatchFaults(faults, options.seed, number).runLong;
    const processingMs =
      Math.max(timing.minProcessingSeconds, timing.secondsPerRequest * requests.length) *
      1000 *
      (runsLong ? faults.longRunFactor : 1);
    const plan = planEnd(
      requests.length,
      createdAt,
      processingMs,
      expiresAt,
      expires(faults, options.seed, number),
      faults,
    );

    const batch: AnthropicBatch = {
      id: this.context.ids.next('msgbatch_01', 22),
      number,
      requests,
      createdAt,
      expiresAt,
      processingMs,
      plannedEndAt: plan.endAt,
      plannedFinished: plan.finished,
      status: 'in_progress',
      cancelInitiatedAt: null,
      cancelEndsAt: null,
      cancelFinished: null,
      endedAt: null,
      outcomes: null,
      deleted: false,
    };
    this.byId.set(batch.id, batch);
    this.created.push(batch);
    this.unfinished.add(batch);
    const firstModel = requests[0]?.params as { model?: unknown } | undefined;
    record.batches.push({
      provider: 'anthropic',
      id: batch.id,
      number,
      createdAt,
      endpoint: '/v1/messages',
      inputFileId: null,
      metadata: null,
      model: typeof firstModel?.model === 'string' ? firstModel.model : null,
      requestCount: requests.length,
      customIds: requests.map((request) => request.customId),
    });
    return batch;
  }

  /** The batch, moved forward to now; undefined when it never existed or was deleted. */
  get(id: string): AnthropicBatch | undefined {
    const batch = this.byId.get(id);
    if (!batch || batch.deleted) return undefined;
    this.advance(batch);
    return batch;
  }

  /** Every batch ever created, newest first, deleted ones included (callers skip them). */
  newestFirst(): readonly AnthropicBatch[] {
    this.advanceAll();
    return this.created.slice().reverse();
  }

  advanceAll(): void {
    for (const batch of this.unfinished) this.advance(batch);
  }

  /** Starts cancellation: lines finished by now keep their results, the rest end `canceled`. */
  cancel(batch: AnthropicBatch): void {
    if (batch.status !== 'in_progress') return;
    const now = this.context.clock.now();
    batch.status = 'canceling';
    batch.cancelInitiatedAt = now;
    batch.cancelEndsAt = now + this.context.options.timing.cancellingSeconds * 1000;
    batch.cancelFinished = Math.min(batch.plannedFinished, finishedBy(batch, now));
  }

  delete(batch: AnthropicBatch): void {
    batch.deleted = true;
    // Results are no longer served; dropping them frees the memory of large batches.
    batch.outcomes = null;
  }

  private advance(batch: AnthropicBatch): void {
    const { clock } = this.context;
    const now = clock.now();
    if (batch.status === 'in_progress' && (clock.instant || now >= batch.plannedEndAt)) {
      this.finish(batch, clock.instant ? now : batch.plannedEndAt, batch.plannedFinished, 'expired');
    } else if (batch.status === 'canceling' && batch.cancelEndsAt !== null) {
      if (clock.instant || now >= batch.cancelEndsAt) {
        this.finish(batch, clock.instant ? now : batch.cancelEndsAt, batch.cancelFinished ?? 0, 'canceled');
      }
    }
  }

  private finish(
    batch: AnthropicBatch,
    endedAt: number,
    finished: number,
    rest: 'expired' | 'canceled',
  ): void {
    const { seed } = this.context.options;
    // Lines finish in a seeded order, so which ones a cancel or an expiry cuts off is reproducible.
    const order = shuffled(
      batch.requests.map((_, index) => index),
      seededRandom(`anthropic:processing:${seed}:${batch.id}`),
    );
    const done = new Set(order.slice(0, finished));
    batch.outcomes = batch.requests.map((request, index) =>
      done.has(index) ? this.evaluate(batch, request) : { type: rest },
    );
    batch.status = 'ended';
    batch.endedAt = endedAt;
    this.unfinished.delete(batch);
  }

  /**
   * One processed line: its params are validated only now, as Anthropic documents, then the
   * seeded line faults apply. The fault draw is keyed by batch number and custom_id, so the same
   * line resubmitted in a new batch draws anew and a retry can succeed. Draw keys match the
   * OpenAI emulator's (openai/batch-faults.ts), so a seed means the same faults at both providers.
   */
  private evaluate(batch: AnthropicBatch, request: BatchRequest): LineOutcome {
    const validation = validateMessageParams(request.params, { inBatch: true });
    if (!validation.ok) {
      return { type: 'errored', errorType: validation.refusal.type, message: validation.refusal.message };
    }
    const { seed, faults } = this.context.options;
    const fault = lineFault(faults.batches, seed, batch.number, request.customId);
    if (fault === 'retryable') {
      return { type: 'errored', errorType: 'api_error', message: 'Internal server error' };
    }
    if (fault === 'invalid') {
      return {
        type: 'errored',
        errorType: 'invalid_request_error',
        message: 'messages: this request was refused as invalid (an emulated lineInvalid fault)',
      };
    }
    return { type: 'succeeded', params: validation.params, model: validation.model };
  }
}

/** Tallies as the API reports them: everything is `processing` until the whole batch has ended. */
export function requestCounts(batch: AnthropicBatch): RequestCounts {
  const counts: RequestCounts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  if (batch.status !== 'ended' || !batch.outcomes) {
    counts.processing = batch.requests.length;
    return counts;
  }
  for (const outcome of batch.outcomes) counts[outcome.type] += 1;
  return counts;
}

function expires(faults: BatchFaults, seed: number, number: number): boolean {
  return planBatchFaults(faults, seed, number).expire;
}

/**
 * When a batch ends on its own and how many lines it finished: an expiring batch (fault) ends at
 * its window with `expireFinishedFraction` of its lines done; one too slow for its window ends
 * there with what it managed; any other ends when its last line is done.
 */
function planEnd(
  count: number,
  createdAt: number,
  processingMs: number,
  expiresAt: number,
  expireFault: boolean,
  faults: BatchFaults,
): { endAt: number; finished: number } {
  if (expireFault) return { endAt: expiresAt, finished: Math.floor(count * faults.expireFinishedFraction) };
  if (createdAt + processingMs > expiresAt) {
    return { endAt: expiresAt, finished: Math.floor((count * (expiresAt - createdAt)) / processingMs) };
  }
  return { endAt: createdAt + processingMs, finished: count };
}

function finishedBy(batch: AnthropicBatch, now: number): number {
  if (batch.processingMs <= 0) return batch.requests.length;
  const fraction = Math.max(0, now - batch.createdAt) / batch.processingMs;
  return Math.min(batch.requests.length, Math.floor(batch.requests.length * fraction));
}
