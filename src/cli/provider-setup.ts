import { SpendwallError } from '../core/errors.js';
import type { Emulator } from '../emulator/index.js';
import { createProvider, keyVariableOf, providerNames, settingsFromEnvironment } from '../providers/index.js';
import type { ProviderAdapterV1, ProviderName } from '../providers/provider.js';

export interface ProviderSetup {
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>;
  /** The built-in emulator when `--emulator` asked for a dry run. */
  emulator: Emulator | undefined;
  describe(): string;
  close(): Promise<void>;
}

/**
 * The adapters a command talks to: the real providers from their usual environment variables,
 * or, with `--emulator`, the built-in emulator on a loopback port (a dry run that costs nothing).
 */
export async function setUpProviders(options: {
  emulator: boolean;
  required: boolean;
}): Promise<ProviderSetup> {
  if (options.emulator) {
    // Loaded only for a dry run: the emulator brings the tokenizer's tables with it.
    const { createEmulator } = await import('../emulator/index.js');
    // A 24-hour window passes in 24 seconds; a small job finishes in a second or two.
    const emulator = createEmulator({ clock: { scale: 3600 } });
    const url = await emulator.listen(0);
    const key = 'sk-spendwall-emulator';
    return {
      providers: {
        openai: createProvider('openai', { baseURL: `${url}/v1`, apiKey: key }),
        anthropic: createProvider('anthropic', { baseURL: url, apiKey: key }),
      },
      emulator,
      describe: () =>
        `the built-in emulator at ${url} (dry run: nothing is sent to a provider, nothing is billed)`,
      close: () => emulator.close(),
    };
  }
  const providers: Partial<Record<ProviderName, ProviderAdapterV1>> = {};
  for (const name of providerNames) {
    const settings = settingsFromEnvironment(name);
    if (settings) providers[name] = createProvider(name, settings);
  }
  const configured = Object.keys(providers);
  if (options.required && configured.length === 0) {
    throw new SpendwallError(
      `no provider key is set: set ${providerNames.map(keyVariableOf).join(' or ')}, ` +
        'or add --emulator for a dry run against the built-in emulator',
      { code: 'no_provider_key' },
    );
  }
  return {
    providers,
    emulator: undefined,
    describe: () => (configured.length ? configured.join(' and ') : 'no provider'),
    close: async () => undefined,
  };
}
