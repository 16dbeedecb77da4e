import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SpendwallError } from '../core/errors.js';

/**
 * The identity of a job: the input's content and what decides how its lines are read. Running
 * the same command on the same input finds the same job and resumes it.
 */
export async function jobFingerprint(
  inputPath: string,
  identity: { workload: string; provider: string | null; endpoint: string | null },
): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(inputPath, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpendwallError(
      code === 'ENOENT' ? 'no such file' : `cannot read the input (${code ?? 'error'})`,
      {
        code: 'input_unreadable',
        place: inputPath,
        cause: error,
      },
    );
  }
  hash.update('\0');
  hash.update(JSON.stringify([identity.workload, identity.provider, identity.endpoint]));
  return hash.digest('hex');
}
