import { Command, CommanderError } from 'commander';
import { SpendwallError } from '../core/errors.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEmulateCommand } from './commands/emulate.js';
import { registerExportCommand } from './commands/export.js';
import { registerJobCommands } from './commands/jobs.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { version } from './version.js';

// A reader that stops early (`spendwall results JOB | head`, `spendwall run --help | head`) closes
// the pipe: that ends the output, quietly, instead of an unhandled EPIPE and its stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command()
  .name('spendwall')
  .description(
    'Route AI traffic by urgency: keep waiting people on real-time APIs, send work nobody waits on to batch.',
  )
  .version(version)
  .showHelpAfterError('(run `spendwall --help` for the commands)')
  .exitOverride();

registerRunCommand(program);
registerJobCommands(program);
registerEmulateCommand(program);
registerExportCommand(program);
registerServeCommand(program);
registerKeysCommand(program);
registerPolicyCommands(program);
registerReportCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof SpendwallError) {
    console.error(`spendwall: ${error.message}`);
    return 2;
  }
  console.error(error);
  return 1;
}
