/**
 * Room versions as data (gomatrixserverlib `roomVersionMeta` style): one row of flags per version, each row
 * spread from the one before it so a row shows only what its version changed. Code elsewhere asks for a flag
 * (`versionsWhere(v => v.knockAllowed)`), never compares version names. Source: spec /rooms/v1 … /rooms/v12.
 */

/** Which redaction algorithm: named after the version whose spec text introduced it. */
export type RedactionRulesId = 'v1' | 'v6' | 'v8' | 'v9' | 'v11';

export interface RoomVersion {
  id: string;
  stable: boolean;
  /** `membership: knock` and `join_rule: knock` exist (v7+). Leaving from knock is allowed too. */
  knockAllowed: boolean;
  /** `join_rule: restricted` and `join_authorised_via_users_server` (v8+). */
  restrictedAllowed: boolean;
  /** `join_rule: knock_restricted` (v10+). */
  knockRestrictedAllowed: boolean;
  /** v1: the `event_id` field; v3: `$` + standard base64 reference hash; v4: `$` + URL-safe. */
  eventIdFormat: 'v1' | 'v3' | 'v4';
  redaction: RedactionRulesId;
  /** Power level values must be JSON integers (v10+); before that, strings holding integers count too. */
  integerPowerLevels: boolean;
  /** `m.room.create` content carries `creator` (v1–v10); later the create event's sender is the creator. */
  creatorInContent: boolean;
  /** Room ID is `!` + URL-safe reference hash of the create event, which has no `room_id` (v12). */
  roomIdFromCreateHash: boolean;
  /** Events cite the create event in `auth_events` (not in v12: the room ID implies it). */
  createInAuthEvents: boolean;
  /** v1–v2: `[[event_id, {sha256}]]`; later: `[event_id]`. Same shape for `auth_events`. */
  prevEventsFormat: 'tuples' | 'ids';
  /** Create sender and `content.additional_creators` have infinite power level (v12). */
  creatorsHaveInfinitePower: boolean;
  /** `m.room.redaction` carries `redacts` in `content` (v11+), not at the top level. */
  redactsInContent: boolean;
  /** Events carry the top-level `origin` key (dropped from the format in v11). */
  originInEvents: boolean;
  /** `m.room.aliases` has its own auth rule (v1–v5). */
  specialCaseAliasesAuth: boolean;
  /** Canonical JSON rules are enforced on events (v6+); older rooms may hold out-of-range integers. */
  strictCanonicalJson: boolean;
  /** Signing keys must be valid at `origin_server_ts` (v5+). */
  enforceKeyValidity: boolean;
  stateResolution: 'v1' | 'v2' | 'v2.1';
}

const v1: RoomVersion = {
  id: '1',
  stable: true,
  knockAllowed: false,
  restrictedAllowed: false,
  knockRestrictedAllowed: false,
  eventIdFormat: 'v1',
  redaction: 'v1',
  integerPowerLevels: false,
  creatorInContent: true,
  roomIdFromCreateHash: false,
  createInAuthEvents: true,
  prevEventsFormat: 'tuples',
  creatorsHaveInfinitePower: false,
  redactsInContent: false,
  originInEvents: true,
  specialCaseAliasesAuth: true,
  strictCanonicalJson: false,
  enforceKeyValidity: false,
  stateResolution: 'v1',
};
const v2: RoomVersion = { ...v1, id: '2', stateResolution: 'v2' };
const v3: RoomVersion = { ...v2, id: '3', eventIdFormat: 'v3', prevEventsFormat: 'ids' };
const v4: RoomVersion = { ...v3, id: '4', eventIdFormat: 'v4' };
const v5: RoomVersion = { ...v4, id: '5', enforceKeyValidity: true };
const v6: RoomVersion = { ...v5, id: '6', redaction: 'v6', specialCaseAliasesAuth: false, strictCanonicalJson: true };
const v7: RoomVersion = { ...v6, id: '7', knockAllowed: true };
const v8: RoomVersion = { ...v7, id: '8', restrictedAllowed: true, redaction: 'v8' };
const v9: RoomVersion = { ...v8, id: '9', redaction: 'v9' };
const v10: RoomVersion = { ...v9, id: '10', knockRestrictedAllowed: true, integerPowerLevels: true };
const v11: RoomVersion = {
  ...v10,
  id: '11',
  redaction: 'v11',
  creatorInContent: false,
  redactsInContent: true,
  originInEvents: false,
};
const v12: RoomVersion = {
  ...v11,
  id: '12',
  roomIdFromCreateHash: true,
  createInAuthEvents: false,
  creatorsHaveInfinitePower: true,
  stateResolution: 'v2.1',
};

export const ROOM_VERSIONS: Readonly<Record<string, Readonly<RoomVersion>>> = Object.freeze(
  Object.fromEntries([v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((v) => [v.id, Object.freeze(v)])),
);

export function getRoomVersion(id: string): RoomVersion {
  const version = Object.prototype.hasOwnProperty.call(ROOM_VERSIONS, id) ? ROOM_VERSIONS[id] : undefined;
  if (!version) {
    throw new Error(`unknown room version ${JSON.stringify(id)}; known: ${Object.keys(ROOM_VERSIONS).join(', ')}`);
  }
  return version;
}

/** Ids of the versions (in version order) that satisfy `predicate`. */
export function versionsWhere(predicate: (version: RoomVersion) => boolean): string[] {
  return Object.values(ROOM_VERSIONS)
    .filter(predicate)
    .map((v) => v.id);
}

/** Accepts a version id or a row, so internal callers can pass the row they already hold. */
export type RoomVersionLike = string | RoomVersion;

export function resolveRoomVersion(version: RoomVersionLike): RoomVersion {
  return typeof version === 'string' ? getRoomVersion(version) : version;
}
