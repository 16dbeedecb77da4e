import type { Caller } from '../types.js';

/** The team a caller's new records belong to: '' for the admin key. */
export function teamOf(caller: Caller): string {
  return caller.team ?? '';
}

/**
 * Whether a caller may see a record of `team`. Anyone else gets the same 404 as for an id that
 * does not exist, so ids of other teams' work cannot be probed.
 */
export function canSee(caller: Caller, team: string): boolean {
  return caller.admin || (caller.team !== undefined && caller.team === team);
}

/** The team filter of a listing: undefined (every team) for the admin. */
export function listScope(caller: Caller): string | undefined {
  return caller.admin ? undefined : (caller.team ?? '\u0000no-team');
}
