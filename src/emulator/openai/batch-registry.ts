import type { EmulatorContext } from '../context.js';
import { planBatchFaults } from './batch-faults.js';
import type { BatchError, BatchInput } from './batch-input.js';
import { type BatchRequest, type BatchSurroundings, OpenAIBatch } from './batch-lifecycle.js';
import { type FileStore, fileStoreFor } from './file-store.js';

/**
 * Real milliseconds of batch work per tick: a few thousand lines, so `emulator.tick()` finishes any
 * test-sized batch at once, while a 50,000-line batch never holds the event loop for seconds (long
 * enough for kept-alive sockets to time out under a waiting client).
 */
const backgroundSliceMs = 250;

/** The organization every emulated key belongs to, named in OpenAI's enqueued-token message. */
const organizationId = 'org-emulator';

/**
 * The OpenAI batches of one emulator: creation (and its record), lookup, listing, the enqueued-token
 * limit that spans batches, and the ticker that moves unfinished batches along with emulated time.
 */
export class BatchRegistry {
  private readonly batches: OpenAIBatch[] = [];
  private readonly byId = new Map<string, OpenAIBatch>();
  /** Unfinished batches in creation order, the order they validate in. */
  private unfinished: OpenAIBatch[] = [];
  private readonly surroundings: BatchSurroundings;
  private continuation: NodeJS.Immediate | undefined;

  constructor(
    private readonly context: EmulatorContext,
    files: FileStore,
  ) {
    this.surroundings = {
      context,
      files,
      tokenLimitError: (batch, at) => this.tokenLimitError(batch, at),
      tokensStillNeeded: (batch) =>
        this.unfinished.some((other) => other !== batch && other.model === batch.model && !other.validated),
    };
    context.tickers.push(() => this.backgroundTick());
  }

  create(request: BatchRequest, input: BatchInput): OpenAIBatch {
    const { context } = this;
    // Numbered across both providers, so `expireBatchNumbers` can name any batch the emulator makes.
    const number = context.record.batches.length + 1;
    const batch = new OpenAIBatch(
      context.ids.next('batch_', 32),
      number,
      context.clock.now(),
      request,
      input,
      planBatchFaults(context.options.faults.batches, context.options.seed, number),
      this.surroundings,
    );
    context.record.batches.push({
      provider: 'openai',
      id: batch.id,
      number,
      createdAt: batch.createdAt,
      endpoint: request.endpoint,
      inputFileId: request.inputFileId,
      metadata: request.metadata,
      model: input.model,
      requestCount: input.lines.length,
      customIds: input.lines.map((line) => line.customId),
    });
    this.batches.push(batch);
    this.byId.set(batch.id, batch);
    this.unfinished.push(batch);
    return batch;
  }

  get(id: string): OpenAIBatch | undefined {
    return this.byId.get(id);
  }

  /** A page of batches, newest first, after the batch `after` (exclusive). */
  list(after: string | undefined, limit: number): { data: OpenAIBatch[]; hasMore: boolean } {
    const newestFirst = this.batches.slice().reverse();
    const start = after === undefined ? 0 : newestFirst.findIndex((batch) => batch.id === after) + 1;
    return { data: newestFirst.slice(start, start + limit), hasMore: start + limit < newestFirst.length };
  }

  /**
   * Moves every unfinished batch to the current emulated time. With a budget (real milliseconds) it
   * stops early and answers false when work is left.
   */
  advanceAll(budgetMs = Number.POSITIVE_INFINITY): boolean {
    if (this.unfinished.length === 0) return true;
    const now = this.context.clock.now();
    const deadline = performance.now() + budgetMs;
    let caughtUp = true;
    for (const batch of this.unfinished) {
      // Batches validate in creation order, so a later one never runs ahead of an earlier one.
      if (!batch.advance(now, deadline)) {
        caughtUp = false;
        break;
      }
    }
    this.unfinished = this.unfinished.filter((batch) => !batch.finished);
    return caughtUp;
  }

  /**
   * The ticker: a slice of work, continued on the next turn of the event loop while work is left,
   * so webhooks fire without polling and requests are never held up for long.
   */
  private backgroundTick(): void {
    if (this.advanceAll(backgroundSliceMs) || this.continuation) return;
    this.continuation = setImmediate(() => {
      this.continuation = undefined;
      this.backgroundTick();
    });
    // A batch left half-run must not keep a finished test or program alive.
    this.continuation.unref();
  }

  /**
   * OpenAI's per-model limit on prompt tokens enqueued in unfinished batches. The lines' byte length
   * bounds their tokens from above, so the tokenizer only runs when the bound reaches the limit.
   */
  private tokenLimitError(batch: OpenAIBatch, at: number): BatchError | null {
    const model = batch.model;
    if (model === null) return null;
    const limits = this.context.options.limits.enqueuedTokens;
    const limit = limits[model] ?? limits['*'];
    if (limit === undefined) return null;
    const others = this.batches.filter(
      (other) => other !== batch && other.model === model && other.enqueuedAt(at),
    );
    const bound = others.reduce((sum, other) => sum + other.promptTokenBound, batch.promptTokenBound);
    if (bound <= limit) return null;
    const tokens = others.reduce((sum, other) => sum + other.promptTokens(), batch.promptTokens());
    if (tokens <= limit) return null;
    return {
      code: 'token_limit_exceeded',
      message: `Enqueued token limit reached for ${model} in organization ${organizationId}. Limit: ${limit.toLocaleString('en-US')} enqueued tokens. Please try again once some in_progress batches have been completed.`,
      param: null,
      line: null,
    };
  }
}

const registries = new WeakMap<EmulatorContext, BatchRegistry>();

/** The batch registry of an emulator, created (with its ticker) on first use. */
export function batchRegistryFor(context: EmulatorContext): BatchRegistry {
  let registry = registries.get(context);
  if (!registry) {
    registry = new BatchRegistry(context, fileStoreFor(context));
    registries.set(context, registry);
  }
  return registry;
}
