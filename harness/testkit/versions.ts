/**
 * Which room versions a suite runs over, from the room-version table (never a literal version list).
 * The run context's roomVersions (`knockknock run --room-version 7,10`) narrows every list.
 */
import { versionsWhere, type RoomVersion } from '../core';
import { runContext } from '../core/run-context';

const selected = runContext().roomVersions ?? [];

function pick(predicate: (version: RoomVersion) => boolean): string[] {
  const ids = versionsWhere((v) => v.stable && predicate(v));
  return selected.length === 0 ? ids : ids.filter((id) => selected.includes(id));
}

/** Versions with knocking (7+). */
export const KNOCK_VERSIONS = pick((v) => v.knockAllowed);
/** Versions without knocking (1–6): knocks must be refused. */
export const PRE_KNOCK_VERSIONS = pick((v) => !v.knockAllowed);
/** Versions with the knock_restricted join rule (10+). */
export const KNOCK_RESTRICTED_VERSIONS = pick((v) => v.knockRestrictedAllowed);
/** Versions with knocking but without knock_restricted (7–9). */
export const KNOCK_WITHOUT_KNOCK_RESTRICTED_VERSIONS = pick((v) => v.knockAllowed && !v.knockRestrictedAllowed);
