import { describe, expect, it } from 'vitest';
import { startCli } from './helpers/cli.js';

describe('spendwall writing into a pipe its reader closed', () => {
  it('ends quietly, with no EPIPE stack trace', async () => {
    const cli = startCli(['run', '--help']);
    // The reader goes away before the help is written, as `| head` does once it has its lines.
    cli.child.stdout!.destroy();
    const exit = await cli.exited;
    expect(exit.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(exit.code).toBe(0);
  }, 60_000);
});
