import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteDecision } from '../policy/types.js';

/**
 * The seams between the gateway's parts. The server (`server.ts`) owns the socket, access
 * checks, the realtime and flex lanes and the hot path; the async lane (`async/`) owns durable
 * acceptance of `Prefer: respond-async` requests, their polling and webhooks, and the
 * OpenAI-compatible `/v1/files` and `/v1/batches` run through the batch lane's engine.
 */

/** Who is calling, established by the server before any route runs. */
export interface Caller {
  /** The team a gateway key belongs to; `undefined` for the admin key. */
  team: string | undefined;
  /** The admin key sees every team's records. */
  admin: boolean;
  /** The gateway key's id (never the key), for logs and the ledger. */
  keyId: string;
}

/** What every route knows about the request it serves. */
export interface RequestContext {
  /** `x-request-id` from the client when it sent a sane one, else a new id; echoed in answers. */
  requestId: string;
  caller: Caller;
  /** From `x-spendwall-workload`, or the body's `metadata.workload`; undefined when unlabeled. */
  workload: string | undefined;
  /** From `x-spendwall-metadata` (JSON object of strings) or the body's `metadata`. */
  metadata: Readonly<Record<string, string>>;
  /** From `x-spendwall-tags` (comma-separated). */
  tags: readonly string[];
  /** When the request arrived (performance.now() ms), for latency metrics. */
  startedAt: number;
}

/** A deferrable request the server hands to the async lane after routing chose `batch`. */
export interface AsyncSubmission {
  context: RequestContext;
  decision: RouteDecision;
  provider: 'openai' | 'anthropic';
  /** `/v1/chat/completions`, `/v1/embeddings`, `/v1/responses` or `/v1/messages`. */
  endpoint: string;
  /** The request body exactly as received (already checked to be a JSON object). */
  body: Buffer;
  /**
   * The same body as the server already parsed it, so that the lane need not parse it again;
   * read, never modified. Without it the lane parses `body`.
   */
  parsed?: Readonly<Record<string, unknown>>;
  /** Where to POST the signed completion webhook, if the client asked for one. */
  webhookUrl: string | undefined;
}

export interface AsyncAcceptance {
  /** The id the client polls: `GET /v1/spendwall/requests/{id}`. */
  id: string;
}

/** The async lane as the server sees it. */
export interface AsyncLane {
  /** Resolves only once the request is committed to the store (202 after the commit). */
  accept(submission: AsyncSubmission): Promise<AsyncAcceptance>;
  /**
   * Serves the async lane's own routes (polling, `/v1/files`, `/v1/batches`); returns false when
   * the path is not one of them, so the server answers 404.
   */
  handle(request: IncomingMessage, response: ServerResponse, context: RequestContext): Promise<boolean>;
  /** Stops taking work, commits what was accepted, lets running flushes reach a safe point. */
  close(): Promise<void>;
}
