import { SpendwallError } from '../core/errors.js';
import { findJobsByPrefix, getJob, type JobRecord } from '../store/jobs.js';
import type { Store } from '../store/open-store.js';

/** A job by its id or the first characters of it, with a clear error when none or several match. */
export async function lookUpJob(store: Store, idOrPrefix: string): Promise<JobRecord> {
  const exact = await getJob(store.driver, idOrPrefix);
  if (exact) return exact;
  const matches = await findJobsByPrefix(store.driver, idOrPrefix);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new SpendwallError(`no job '${idOrPrefix}' in ${store.location} (see \`spendwall jobs\`)`, {
      code: 'job_not_found',
    });
  }
  throw new SpendwallError(
    `'${idOrPrefix}' matches ${matches.length} jobs (${matches.map((job) => job.id).join(', ')}); type more of the id`,
    { code: 'job_ambiguous' },
  );
}
