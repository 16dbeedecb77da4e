import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import {
  createEmulator,
  type EmulatorOptions,
  loadEmulatorOptions,
  resolveEmulatorOptions,
} from '../../emulator/index.js';

interface EmulateFlags {
  port: string;
  host: string;
  config?: string;
  seed?: string;
  timeScale?: string;
  instant?: boolean;
}

export function registerEmulateCommand(program: Command): void {
  program
    .command('emulate')
    .description('Run the local OpenAI + Anthropic emulator (real-time, files, batches, faults, webhooks).')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8787')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-c, --config <file>', 'emulator options as YAML or JSON (faults, limits, timing, webhooks)')
    .option('--seed <n>', 'seed for outputs, identifiers and faults')
    .option('--time-scale <n>', 'emulated seconds per real second (3600: a 24 h window in 24 s)')
    .option('--instant', 'finish every batch on its first read after creation')
    .addHelpText(
      'after',
      '\nPoint clients at it with OPENAI_BASE_URL=http://127.0.0.1:8787/v1 and ANTHROPIC_BASE_URL=http://127.0.0.1:8787.\n' +
        'GET /_emulator/record shows what it received; see docs/emulator.md for the options file.',
    )
    .action(async (flags: EmulateFlags) => {
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
