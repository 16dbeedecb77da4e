import type { RouteDecision, RouteInput } from '../policy/types.js';
import { offersLane } from '../prices/cost.js';
import { createPriceBook, type PriceBook } from '../prices/price-book.js';
import type { SqlDriver } from '../store/sql.js';
import { readAll } from './answer.js';
import { usageFromBody } from './body-usage.js';
import { GatewayError } from './errors.js';
import { fastId } from './fast-id.js';
import { interactiveRoute } from './interactive-route.js';
import { defaultLaneSettings, type LaneSettings, runFlex, runRealtime } from './lanes.js';
import { createLedgerWriter, type LedgerWriter } from './ledger-writer.js';
import { recordExecution } from './record-execution.js';
import { modelRoutes } from './routes.js';
import { createUpstreams, type GatewayProvider, type UpstreamSettings } from './upstreams.js';

/**
 * The gateway's realtime and flex lanes without the HTTP server, for the library's `chat()` and
 * `embed()`: the same routing, the same pools (interactive and deferrable apart), the same flex
 * fallback and the same ledger rows. Batch decisions run realtime here (a synchronous call
 * cannot wait a day) and count as missed savings, as they do in the gateway.
 */
export interface LaneAnswer<Body = unknown> {
  body: Body;
  lane: 'realtime' | 'flex';
  workload: string;
  /** nano-USD; null when the cost cannot be known. */
  costNanoUsd: number | null;
  /** Flex was refused or too slow, and the call ran realtime. */
  fellBack: boolean;
}

export interface LaneCallOptions {
  workload?: string;
  team?: string;
  signal?: AbortSignal;
}

export interface LaneClient {
  call<Body = unknown>(
    endpoint: string,
    body: Record<string, unknown>,
    options?: LaneCallOptions,
  ): Promise<LaneAnswer<Body>>;
  close(): Promise<void>;
}

export interface LaneClientOptions {
  upstreams: Partial<Record<GatewayProvider, UpstreamSettings>>;
  route?: (input: RouteInput) => RouteDecision;
  prices?: PriceBook;
  /** Where ledger rows go; none when absent. */
  driver?: SqlDriver;
  lanes?: Partial<LaneSettings>;
}

export function createLaneClient(options: LaneClientOptions): LaneClient {
  const upstreams = createUpstreams(options.upstreams);
  const route = options.route ?? interactiveRoute;
  const prices = options.prices ?? createPriceBook();
  const lanes = { ...defaultLaneSettings, ...options.lanes };
  const ledger: LedgerWriter | undefined = options.driver ? createLedgerWriter(options.driver) : undefined;

  return {
    async call<Body>(endpoint: string, body: Record<string, unknown>, callOptions: LaneCallOptions = {}) {
      const modelRoute = modelRoutes.get(endpoint);
      if (!modelRoute)
        throw new GatewayError(404, `${endpoint} is not a model endpoint`, {
          type: 'invalid_request_error',
          code: 'unknown_url',
        });
      if (typeof body['model'] !== 'string')
        throw new GatewayError(400, 'model: a value is required', {
          type: 'invalid_request_error',
          code: 'missing_required_parameter',
          param: 'model',
        });
      if (body['stream'] === true)
        throw new GatewayError(
          400,
          'stream: the library calls return whole answers; use the gateway to stream',
          { type: 'invalid_request_error', code: 'invalid_value', param: 'stream' },
        );
      const upstream = upstreams.get(modelRoute.provider);
      if (!upstream)
        throw new GatewayError(503, `no ${modelRoute.provider} connection (set its API key)`, {
          type: 'server_error',
          code: 'provider_not_configured',
        });
      const startedAt = performance.now();
      const decision = route({
        workload: callOptions.workload,
        provider: modelRoute.provider,
        model: body['model'],
        endpoint,
        asynchronous: false,
      });
      let lane = decision.urgency === 'interactive' ? 'realtime' : decision.lane;
      if (
        lane === 'flex' &&
        !(modelRoute.flexCapable && offersLane(prices.priceFor(modelRoute.provider, decision.model), 'flex'))
      )
        lane = 'realtime';
      const payload = { ...body, model: decision.model };
      const request = {
        upstream,
        trafficClass: decision.urgency === 'interactive' ? ('interactive' as const) : ('deferrable' as const),
        method: 'POST' as const,
        path: modelRoute.upstreamPath,
        headers: {
          'content-type': 'application/json',
          ...(modelRoute.provider === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}),
        },
        body: Buffer.from(JSON.stringify(payload)),
        whole: true,
        ...(callOptions.signal ? { signal: callOptions.signal } : {}),
      };
      const run =
        lane === 'flex'
          ? await runFlex(
              request,
              Buffer.from(JSON.stringify({ ...payload, service_tier: 'flex' })),
              decision.deadlineMs === undefined ? Number.POSITIVE_INFINITY : startedAt + decision.deadlineMs,
              lanes,
            )
          : await runRealtime(request, lanes);
      const raw = await readAll(run.answer.body);
      if (run.answer.statusCode < 200 || run.answer.statusCode >= 300) {
        throw new GatewayError(
          run.answer.statusCode,
          `${modelRoute.provider} answered ${run.answer.statusCode}: ${raw.toString('utf8').slice(0, 500)}`,
          {
            type: 'upstream_error',
            code: `http_${run.answer.statusCode}`,
            isRetryable: run.answer.statusCode === 429 || run.answer.statusCode >= 500,
          },
        );
      }
      const usage = usageFromBody(raw, modelRoute.provider);
      const costs = recordExecution(
        { prices, ledger, metrics: undefined },
        {
          requestId: fastId('lib_'),
          decision,
          team: callOptions.team,
          provider: modelRoute.provider,
          endpoint,
          lane: run.lane,
          fellBack: run.fellBack,
          usage,
        },
      );
      return {
        body: JSON.parse(raw.toString('utf8')) as Body,
        lane: run.lane,
        workload: decision.workload,
        costNanoUsd: costs.paid,
        fellBack: run.fellBack,
      };
    },
    async close() {
      await ledger?.close();
      await upstreams.close();
    },
  };
}
