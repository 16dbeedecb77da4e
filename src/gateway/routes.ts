import type { ErrorDialect } from './errors.js';
import type { GatewayProvider } from './upstreams.js';
import type { StreamKind } from './usage-scanner.js';

/** A model endpoint the gateway proxies: where it goes and how its answers are read. */
export interface ModelRoute {
  provider: GatewayProvider;
  /** The path clients call, also the ledger's `endpoint`. */
  endpoint: string;
  /** The path under the provider's base URL. */
  upstreamPath: string;
  streamKind: StreamKind | undefined;
  dialect: ErrorDialect;
  /** Whether OpenAI's flex tier applies to this endpoint (for models that offer it). */
  flexCapable: boolean;
}

export const modelRoutes: ReadonlyMap<string, ModelRoute> = new Map(
  (
    [
      {
        provider: 'openai',
        endpoint: '/v1/chat/completions',
        upstreamPath: '/chat/completions',
        streamKind: 'openai-chat',
        dialect: 'openai',
        flexCapable: true,
      },
      {
        provider: 'openai',
        endpoint: '/v1/responses',
        upstreamPath: '/responses',
        streamKind: 'openai-responses',
        dialect: 'openai',
        flexCapable: true,
      },
      {
        provider: 'openai',
        endpoint: '/v1/embeddings',
        upstreamPath: '/embeddings',
        streamKind: undefined,
        dialect: 'openai',
        flexCapable: false,
      },
      {
        provider: 'anthropic',
        endpoint: '/v1/messages',
        upstreamPath: '/v1/messages',
        streamKind: 'anthropic',
        dialect: 'anthropic',
        flexCapable: false,
      },
    ] satisfies ModelRoute[]
  ).map((route) => [route.endpoint, route]),
);
