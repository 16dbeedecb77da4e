import { ConfigError } from '../../core/errors.js';
import {
  createEmulator,
  type EmulatorOptions,
  loadEmulatorOptions,
  resolveEmulatorOptions,
} from '../../emulator/index.js';
import type { EmulateFlags } from './emulate.js';

/** `spendwall emulate`: loaded only when the command runs (see emulate.ts). */
export async function emulateCommand(flags: EmulateFlags): Promise<void> {
  const options = await emulatorOptionsFrom(flags);
  const emulator = createEmulator(options);
  const url = await emulator.listen(parsePort(flags.port), flags.host);
  console.log(`spendwall emulator listening on ${url}`);
  console.log(`  OPENAI_BASE_URL=${url}/v1`);
  console.log(`  ANTHROPIC_BASE_URL=${url}`);
  console.log(
    `  seed ${emulator.options.seed}, clock ×${emulator.options.clock.scale}${emulator.options.clock.instant ? ' (instant batches)' : ''}`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      console.log('spendwall emulator stopping');
      void emulator.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function emulatorOptionsFrom(flags: EmulateFlags): Promise<EmulatorOptions> {
  const base: EmulatorOptions = flags.config ? await loadEmulatorOptions(flags.config) : {};
  const overrides: EmulatorOptions = { ...base, clock: { ...base.clock } };
  if (flags.seed !== undefined) overrides.seed = parseNumber('--seed', flags.seed);
  if (flags.timeScale !== undefined)
    overrides.clock = { ...overrides.clock, scale: parseNumber('--time-scale', flags.timeScale) };
  if (flags.instant) overrides.clock = { ...overrides.clock, instant: true };
  return resolveEmulatorOptions(overrides, flags.config ?? 'command-line options');
}

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ConfigError(`expected a number, got '${text}'`, { place: flag });
  return value;
}

function parsePort(text: string): number {
  const port = parseNumber('--port', text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`expected a port from 0 to 65535, got '${text}'`, { place: '--port' });
  }
  return port;
}
