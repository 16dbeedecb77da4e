import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs from here so `--import tsx` resolves the installed tsx. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One `spendwall` process, started the way a user's shell would, but through tsx so the tests
 * run the TypeScript source. `node --import tsx` keeps it to a single process (the `tsx` binary
 * would put a second node in between), so the pid we kill is the runner itself.
 */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written so far to stdout and stderr. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves once the process has exited (and been reaped), whatever the reason. */
  readonly exited: Promise<CliExit>;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(args: readonly string[], environment: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, CI: '1', NO_COLOR: '1', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    output.stdout += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    output.stderr += text;
  });
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    ...output,
  }));
  if (child.pid === undefined) throw new Error(`could not start ${process.execPath}`);
  return { child, pid: child.pid, output, exited };
}

/** Runs the CLI to its end, failing with its output if it takes longer than `timeoutMs`. */
export async function runCli(
  args: readonly string[],
  environment: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<CliExit> {
  const run = startCli(args, environment);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    const exit = await run.exited;
    if (exit.signal === 'SIGKILL') {
      throw new Error(
        `spendwall ${args.join(' ')} did not finish within ${timeoutMs} ms\n${exit.stdout}\n${exit.stderr}`,
      );
    }
    return exit;
  } finally {
    clearTimeout(timer);
  }
}
