import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.js';
import { defaultPolicy } from './default-policy.js';
import { parsePolicy } from './parse-policy.js';
import type { Policy } from './types.js';

/** Reads and checks a policy file; errors name the file, line and column. */
export async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the policy file: ${(error as Error).message}`, {
      place: path,
      cause: error,
    });
  }
  return parsePolicy(text, path);
}

export const policyFileName = 'spendwall.yaml';

/**
 * Which policy file a command uses: `--config`, else `SPENDWALL_CONFIG`, else `./spendwall.yaml`
 * when it exists. Returns `undefined` when none was named and none exists (the built-in default
 * policy applies). A file that was named but is missing is an error: a typo must not silently
 * drop a policy.
 */
export function findPolicyFile(
  flag: string | undefined,
  environment: Record<string, string | undefined> = process.env,
): string | undefined {
  const named = flag ?? (environment['SPENDWALL_CONFIG']?.trim() || undefined);
  if (named !== undefined) {
    if (!existsSync(named)) {
      throw new ConfigError(`the policy file ${named} does not exist`, {
        place: flag === undefined ? 'SPENDWALL_CONFIG' : '--config',
      });
    }
    return named;
  }
  return existsSync(policyFileName) ? policyFileName : undefined;
}

/** The policy a command runs under: the file `findPolicyFile` picks, or the built-in default. */
export async function loadPolicyFor(
  flag: string | undefined,
  environment: Record<string, string | undefined> = process.env,
): Promise<Policy> {
  const path = findPolicyFile(flag, environment);
  return path === undefined ? defaultPolicy : loadPolicy(path);
}
