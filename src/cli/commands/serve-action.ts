import { ConfigError } from '../../core/errors.js';
import type { Emulator } from '../../emulator/index.js';
import { createAsyncLane } from '../../gateway/async/index.js';
import { eventLine, stderrSink } from '../../gateway/log.js';
import { createGateway } from '../../gateway/server.js';
import type { AsyncLane } from '../../gateway/types.js';
import {
  type GatewayProvider,
  type UpstreamSettings,
  upstreamSettingsFromEnvironment,
} from '../../gateway/upstreams.js';
import { loadPolicyFor, providerConnectionFrom, routeRequest } from '../../policy/index.js';
import type { Policy } from '../../policy/types.js';
import { createProvider } from '../../providers/index.js';
import type { ProviderAdapterV1, ProviderName } from '../../providers/provider.js';
import { openStore } from '../../store/open-store.js';
import type { ServeFlags } from './serve.js';

/** `spendwall serve`: loaded only when the command runs (see serve.ts). */
export async function serveCommand(flags: ServeFlags): Promise<void> {
  const port = parseInteger('--port', flags.port, 0, 65_535);
  const maxBodyBytes = parseInteger('--max-body-mb', flags.maxBodyMb, 1, 4096) * 1024 * 1024;
  const policy = await loadPolicyFor(flags.config);
  const log = flags.quiet ? null : stderrSink;
  let emulator: Emulator | undefined;
  let upstreams: Partial<Record<GatewayProvider, UpstreamSettings>>;
  if (flags.emulator) {
    // Loaded only for the demo: the emulator brings the tokenizer's tables with it.
    const { createEmulator } = await import('../../emulator/index.js');
    emulator = createEmulator({ clock: { scale: 3600 } });
    const url = await emulator.listen(0);
    upstreams = {
      openai: { baseURL: `${url}/v1`, apiKey: 'sk-spendwall-emulator' },
      anthropic: { baseURL: url, apiKey: 'sk-spendwall-emulator' },
    };
  } else {
    upstreams = upstreamsFrom(policy);
  }
  const store = await openStore({ databaseUrl: flags.database });
  let asyncLane: AsyncLane | undefined;
  if (flags.async) {
    const providers: Partial<Record<ProviderName, ProviderAdapterV1>> = {};
    for (const [name, settings] of Object.entries(upstreams)) {
      providers[name as ProviderName] = createProvider(name as ProviderName, settings);
    }
    asyncLane = await createAsyncLane({
      store,
      providers,
      prices: policy.priceBook,
      webhooks: { allowPrivateAddresses: policy.gateway.allowPrivateWebhooks },
    });
  }
  const gateway = await createGateway({
    driver: store.driver,
    upstreams,
    route: (input) => routeRequest(policy, input),
    prices: policy.priceBook,
    enforce: policy.gateway.enforce,
    ...(asyncLane ? { asyncLane } : {}),
    adminKey: process.env['SPENDWALL_ADMIN_KEY']?.trim() || undefined,
    maxBodyBytes,
    log,
  });
  const stopAll = async () => {
    await gateway.close();
    await store.close();
    await emulator?.close();
  };
  if (gateway.access.open) {
    if (!isLoopback(flags.host)) {
      await stopAll();
      throw new ConfigError(
        `refusing to serve on ${flags.host} without authentication: create a key with \`spendwall keys create --team TEAM\` ` +
          'or set SPENDWALL_ADMIN_KEY, or bind 127.0.0.1',
        { place: '--host' },
      );
    }
    console.error(
      eventLine(
        'warn',
        'NO AUTHENTICATION: no gateway key exists and SPENDWALL_ADMIN_KEY is not set, so anyone who can reach ' +
          'this loopback port can use the provider keys. Create keys with `spendwall keys create --team TEAM`.',
      ),
    );
  }
  const configured = Object.keys(upstreams);
  if (configured.length === 0) {
    console.error(
      eventLine(
        'warn',
        'no provider key is set (OPENAI_API_KEY, ANTHROPIC_API_KEY): model requests will get 503',
      ),
    );
  }
  const url = await gateway.listen(port, flags.host).catch(async (error: unknown) => {
    await stopAll();
    throw new ConfigError(`cannot listen: ${(error as Error).message}`, {
      place: `${flags.host}:${port}`,
    });
  });
  console.error(
    eventLine('info', 'spendwall gateway listening', {
      url,
      providers: configured,
      policy: policy.source,
      store: store.location,
      async_lane: Boolean(asyncLane),
      emulator: emulator?.url,
    }),
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.error(
        eventLine('info', 'spendwall gateway stopping: finishing requests in flight', { signal }),
      );
      void stopAll().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  console.error(eventLine('info', 'spendwall gateway stopped'));
}

/** Provider keys only from the environment (the policy may name other variables or base URLs). */
function upstreamsFrom(policy: Policy): Partial<Record<GatewayProvider, UpstreamSettings>> {
  const fromEnvironment = upstreamSettingsFromEnvironment();
  const upstreams: Partial<Record<GatewayProvider, UpstreamSettings>> = {};
  for (const provider of ['openai', 'anthropic'] as const) {
    const fromPolicy = providerConnectionFrom(policy, provider);
    const apiKey = fromPolicy?.apiKey ?? fromEnvironment[provider]?.apiKey;
    if (!apiKey) continue;
    const baseURL =
      fromPolicy?.baseURL ??
      fromEnvironment[provider]?.baseURL ??
      (provider === 'openai' ? 'https://api.openai.com/v1' : 'https://api.anthropic.com');
    upstreams[provider] = { baseURL, apiKey };
  }
  return upstreams;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`expected a whole number from ${min} to ${max}, got '${text}'`, { place: flag });
  }
  return value;
}
