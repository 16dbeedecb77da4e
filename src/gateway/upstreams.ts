import { Pool } from 'undici';
import { settingsFromEnvironment } from '../providers/index.js';

/** The providers the gateway proxies to. */
export type GatewayProvider = 'openai' | 'anthropic';

/**
 * Who waits for the answer. Each class has its own connection pool per provider, so a burst of
 * deferrable work (flex calls that take minutes, missed-savings traffic) queues in its own pool
 * and can never hold a connection an interactive request needs.
 */
export type TrafficClass = 'interactive' | 'deferrable';

export interface UpstreamSettings {
  /** `https://api.openai.com/v1`, `https://api.anthropic.com`, or an emulator's URL. */
  baseURL: string;
  apiKey: string;
}

export interface UpstreamLimits {
  /** Connections per provider for interactive traffic (default 256). */
  interactiveConnections?: number;
  /** Connections per provider for deferrable traffic (default 32). */
  deferrableConnections?: number;
}

export interface Upstream {
  provider: GatewayProvider;
  /** The base URL's path (`/v1` for OpenAI's), prefixed to the provider-relative route. */
  pathPrefix: string;
  /** The provider key's header, from the environment; never logged or answered. */
  authHeaders: Readonly<Record<string, string>>;
  pool(trafficClass: TrafficClass): Pool;
}

export interface Upstreams {
  get(provider: GatewayProvider): Upstream | undefined;
  close(): Promise<void>;
}

/** Provider settings from OPENAI_API_KEY / ANTHROPIC_API_KEY and their *_BASE_URL. */
export function upstreamSettingsFromEnvironment(
  environment: Record<string, string | undefined> = process.env,
): Partial<Record<GatewayProvider, UpstreamSettings>> {
  const settings: Partial<Record<GatewayProvider, UpstreamSettings>> = {};
  for (const provider of ['openai', 'anthropic'] as const) {
    const found = settingsFromEnvironment(provider, environment);
    if (found) settings[provider] = { baseURL: found.baseURL, apiKey: found.apiKey };
  }
  return settings;
}

export function createUpstreams(
  settings: Partial<Record<GatewayProvider, UpstreamSettings>>,
  limits: UpstreamLimits = {},
): Upstreams {
  const upstreams = new Map<GatewayProvider, Upstream>();
  const pools: Pool[] = [];
  for (const provider of ['openai', 'anthropic'] as const) {
    const setting = settings[provider];
    if (!setting) continue;
    const url = new URL(setting.baseURL);
    const makePool = (connections: number) => {
      const pool = new Pool(url.origin, {
        connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        // Model answers can take minutes (long generations, flex); the lanes set tighter limits.
        headersTimeout: 600_000,
        bodyTimeout: 600_000,
      });
      pools.push(pool);
      return pool;
    };
    const interactive = makePool(limits.interactiveConnections ?? 256);
    const deferrable = makePool(limits.deferrableConnections ?? 32);
    upstreams.set(provider, {
      provider,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
      authHeaders:
        provider === 'openai'
          ? { authorization: `Bearer ${setting.apiKey}` }
          : { 'x-api-key': setting.apiKey },
      pool: (trafficClass) => (trafficClass === 'interactive' ? interactive : deferrable),
    });
  }
  return {
    get: (provider) => upstreams.get(provider),
    async close() {
      await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
    },
  };
}
