import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteDecision, RouteInput } from '../policy/types.js';
import { createPriceBook, type PriceBook } from '../prices/price-book.js';
import type { SqlDriver } from '../store/sql.js';
import { type Access, createAccess } from './access.js';
import { asGatewayError, GatewayError, sendError } from './errors.js';
import { standardHeaders } from './headers.js';
import { interactiveRoute } from './interactive-route.js';
import { defaultLaneSettings, type LaneSettings } from './lanes.js';
import { createLedgerWriter, type LedgerWriter } from './ledger-writer.js';
import { eventLine, type LogSink, requestLine, stderrSink } from './log.js';
import { GatewayMetrics } from './metrics.js';
import { serveModelRequest } from './model-request.js';
import { buildContext, requestIdFrom } from './request-context.js';
import { rememberingRoute } from './route-cache.js';
import { modelRoutes } from './routes.js';
import type { GatewayRuntime, Outcome } from './runtime.js';
import type { AsyncLane, Caller } from './types.js';
import { serveCountTokens, serveModels } from './unbilled-request.js';
import {
  createUpstreams,
  type GatewayProvider,
  type UpstreamLimits,
  type UpstreamSettings,
} from './upstreams.js';

export interface GatewayOptions {
  /** The store's driver: gateway keys, the ledger, `/readyz`. */
  driver: SqlDriver;
  /** Where each provider is and its key (from the environment; see `upstreamSettingsFromEnvironment`). */
  upstreams: Partial<Record<GatewayProvider, UpstreamSettings>>;
  limits?: UpstreamLimits;
  /**
   * The router; the default treats every request as interactive (realtime). It must be a pure
   * function of its input: the gateway remembers its decisions (see `route-cache.ts`).
   */
  route?: (input: RouteInput) => RouteDecision;
  prices?: PriceBook;
  /** Refuse deferrable requests that come synchronously where the batch lane was due. */
  enforce?: boolean;
  asyncLane?: AsyncLane;
  asyncRetryAfterSeconds?: number;
  /** `SPENDWALL_ADMIN_KEY`. */
  adminKey?: string | undefined;
  /** Largest request body accepted (default 32 MB); larger ones get 413. */
  maxBodyBytes?: number;
  lanes?: Partial<LaneSettings>;
  ledger?: { flushIntervalMs?: number; batchSize?: number };
  /** Where request and event lines go; `null` for none (`--quiet`). */
  log?: LogSink | null;
  /** How long `close()` waits for requests in flight before cutting them (default 30 s). */
  shutdownTimeoutMs?: number;
}

export interface Gateway {
  readonly server: Server;
  readonly metrics: GatewayMetrics;
  readonly ledger: LedgerWriter;
  readonly access: Access;
  /** The base URL (`http://127.0.0.1:PORT`) once listening. */
  readonly url: string | undefined;
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, lets requests in flight finish, flushes the ledger, closes the async lane. */
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const log = options.log === undefined ? stderrSink : options.log;
  const metrics = new GatewayMetrics();
  const ledger = createLedgerWriter(options.driver, {
    ...options.ledger,
    onError: (error, rows) =>
      log?.(
        eventLine('error', 'ledger flush failed; rows kept for the next flush', {
          rows,
          error: String(error),
        }),
      ),
  });
  const access = await createAccess({ driver: options.driver, adminKey: options.adminKey });
  const upstreams = createUpstreams(options.upstreams, options.limits);
  const runtime: GatewayRuntime = {
    upstreams,
    route: rememberingRoute(options.route ?? interactiveRoute),
    prices: options.prices ?? createPriceBook(),
    enforce: options.enforce ?? false,
    asyncLane: options.asyncLane,
    asyncRetryAfterSeconds: options.asyncRetryAfterSeconds ?? 30,
    lanes: { ...defaultLaneSettings, ...options.lanes },
    ledger,
    metrics,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    inFlight: { interactive: 0, deferrable: 0 },
  };

  let active = 0;
  let closing = false;
  let idle: (() => void) | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const startedAt = performance.now();
    active++;
    const requestId = requestIdFrom(request.headers);
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const outcome: Outcome = { status: 200, endpoint: path };
    const route = modelRoutes.get(path);
    const dialect = route?.dialect ?? (path.startsWith('/v1/messages') ? 'anthropic' : 'openai');
    let caller: Caller | undefined;
    if (closing) response.setHeader('connection', 'close');
    try {
      if (path === '/healthz' && request.method === 'GET') {
        sendText(response, 200, 'ok\n', requestId);
        return;
      }
      if (path === '/readyz' && request.method === 'GET') {
        await ready(options.driver, closing);
        sendText(response, 200, 'ready\n', requestId);
        return;
      }
      const authenticated = access.authenticate(request.headers);
      caller = authenticated instanceof Promise ? await authenticated : authenticated;
      if (route && request.method === 'POST') {
        await serveModelRequest(runtime, route, request, response, requestId, caller, startedAt, outcome);
      } else if (path === '/metrics' && request.method === 'GET') {
        if (!caller.admin) throw forbidden('/metrics needs the admin key (SPENDWALL_ADMIN_KEY)');
        const text = metrics.render({ ledgerPending: ledger.pending, inFlight: runtime.inFlight });
        sendText(response, 200, text, requestId, 'text/plain; version=0.0.4; charset=utf-8');
      } else if (path === '/v1/messages/count_tokens' && request.method === 'POST') {
        await serveCountTokens(runtime, request, response, requestId, outcome);
      } else if ((path === '/v1/models' || path.startsWith('/v1/models/')) && request.method === 'GET') {
        await serveModels(
          runtime,
          request,
          response,
          path,
          queryAt < 0 ? '' : url.slice(queryAt),
          requestId,
          outcome,
        );
      } else if (
        !(
          runtime.asyncLane &&
          (await runtime.asyncLane.handle(
            request,
            response,
            buildContext(request.headers, requestId, caller, startedAt, undefined),
          ))
        )
      ) {
        throw new GatewayError(404, `${request.method} ${path} is not a route of this gateway`, {
          type: 'invalid_request_error',
          code: 'unknown_url',
        });
      }
      if (response.statusCode && outcome.status === 200) outcome.status = response.statusCode;
    } catch (error) {
      const failure = asGatewayError(error);
      outcome.status = failure.status;
      outcome.error = failure.status >= 500 && failure.cause ? String(failure.cause) : failure.message;
      sendError(response, failure, dialect, { [standardHeaders.requestId]: requestId });
    } finally {
      const seconds = (performance.now() - startedAt) / 1000;
      if (route) {
        const lane = outcome.lane ?? 'none';
        metrics.requests.add({ endpoint: route.endpoint, lane, status: String(outcome.status) });
        metrics.duration.observe({ endpoint: route.endpoint, lane }, seconds);
      }
      if (log && path !== '/healthz' && path !== '/readyz' && path !== '/metrics') {
        log(requestLine(request.method, path, requestId, caller?.team, seconds * 1000, outcome));
      }
      if (--active === 0 && idle) idle();
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    void handle(request, response);
  });
  let url: string | undefined;

  return {
    server,
    metrics,
    ledger,
    access,
    get url() {
      return url;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
          resolve(url);
        });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (active > 0) {
        const drained = new Promise<void>((resolve) => {
          idle = resolve;
        });
        const timeout = options.shutdownTimeoutMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await stopped;
      await ledger.close();
      await runtime.asyncLane?.close();
      await upstreams.close();
      access.close();
    },
  };
}

async function ready(driver: SqlDriver, closing: boolean): Promise<void> {
  if (closing) {
    throw new GatewayError(503, 'the gateway is shutting down', {
      type: 'server_error',
      code: 'shutting_down',
    });
  }
  try {
    await driver.get('SELECT 1 AS ok');
  } catch (error) {
    throw new GatewayError(503, 'the store is not reachable', {
      type: 'server_error',
      code: 'store_unreachable',
      cause: error,
    });
  }
}

function forbidden(message: string): GatewayError {
  return new GatewayError(403, message, { type: 'invalid_request_error', code: 'forbidden' });
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  requestId: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    [standardHeaders.requestId]: requestId,
  });
  response.end(text);
}
