import { z } from 'zod';

/**
 * OpenAI's expiration policy for a file, `{ anchor: 'created_at', seconds }`: `expires_after` of
 * an upload (multipart fields `expires_after[anchor]` / `expires_after[seconds]`, as the SDK
 * encodes the nested object) and `output_expires_after` of a batch (JSON), for its output and
 * error files. Both anchor on the file's own creation time.
 */

/** OpenAI's bounds on a file's lifetime: one hour to thirty days. */
export const minimumLifetimeSeconds = 3600;
export const maximumLifetimeSeconds = 2_592_000;

/** OpenAI's default for an upload with `purpose=batch`: thirty days (other files persist). */
export const batchUploadLifetimeSeconds = maximumLifetimeSeconds;

const lifetimeRange = `expected an integer from ${minimumLifetimeSeconds} (1 hour) to ${maximumLifetimeSeconds} (30 days)`;

const described = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `missing; ${expected}` : `${expected}, got ${JSON.stringify(issue.input)}`;

export const expiresAfterSchema = z.object({
  anchor: z.literal('created_at', { error: described("expected 'created_at', the only anchor supported") }),
  seconds: z
    .int({ error: described(lifetimeRange) })
    .min(minimumLifetimeSeconds, { error: described(lifetimeRange) })
    .max(maximumLifetimeSeconds, { error: described(lifetimeRange) }),
});

/**
 * The lifetime an upload asks for in its multipart fields, in seconds: `undefined` when it sets
 * none, or why it is refused (`param`: `expires_after.anchor` or `expires_after.seconds`).
 */
export function uploadLifetime(
  fields: Record<string, string>,
): { seconds: number | undefined } | { error: { message: string; param: string } } {
  const anchor = fields['expires_after[anchor]'];
  const seconds = fields['expires_after[seconds]'];
  if (anchor === undefined && seconds === undefined) return { seconds: undefined };
  // Multipart fields are text: digits become a number, anything else stays text for the check to name.
  const parsed = expiresAfterSchema.safeParse({
    anchor,
    seconds: seconds !== undefined && /^\d{1,15}$/.test(seconds.trim()) ? Number(seconds) : seconds,
  });
  if (parsed.success) return { seconds: parsed.data.seconds };
  const issue = parsed.error.issues[0]!;
  const param = ['expires_after', ...issue.path.map(String)].join('.');
  return { error: { message: `${param}: ${issue.message}`, param } };
}

/** When a file created at `createdAt` (epoch ms) with a lifetime of `seconds` expires; null: never. */
export function expiryOf(createdAt: number, seconds: number | null | undefined): number | null {
  return seconds === null || seconds === undefined ? null : createdAt + seconds * 1000;
}
