/**
 * The redaction algorithm of each room version (spec /rooms/vN "Redactions"; fragments v1, v6, v9, v11 and the
 * v8 text). Rules are data keyed by `RoomVersion.redaction`. Like the spec (and unlike Synapse, which keeps
 * `unsigned.age_ts`), the result has no `unsigned`.
 */
import { resolveRoomVersion, type RedactionRulesId, type RoomVersionLike } from './room-versions';

interface RedactionRules {
  topLevelKeys: readonly string[];
  contentKeysByType: Readonly<Record<string, readonly string[]>>;
  /** v11: `m.room.create` keeps its whole content. */
  createKeepsAllContent: boolean;
  /** v11: `m.room.member` keeps `third_party_invite.signed` (and nothing else of third_party_invite). */
  memberKeepsThirdPartyInviteSigned: boolean;
}

const V1_TOP_LEVEL_KEYS = [
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'prev_state',
  'auth_events',
  'origin',
  'origin_server_ts',
  'membership',
];
const V1_POWER_LEVEL_KEYS = ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'];

const v1: RedactionRules = {
  topLevelKeys: V1_TOP_LEVEL_KEYS,
  contentKeysByType: {
    'm.room.member': ['membership'],
    'm.room.create': ['creator'],
    'm.room.join_rules': ['join_rule'],
    'm.room.power_levels': V1_POWER_LEVEL_KEYS,
    'm.room.aliases': ['aliases'],
    'm.room.history_visibility': ['history_visibility'],
  },
  createKeepsAllContent: false,
  memberKeepsThirdPartyInviteSigned: false,
};
const { 'm.room.aliases': _aliases, ...v6ContentKeys } = v1.contentKeysByType;
const v6: RedactionRules = { ...v1, contentKeysByType: v6ContentKeys };
const v8: RedactionRules = {
  ...v6,
  contentKeysByType: { ...v6.contentKeysByType, 'm.room.join_rules': ['join_rule', 'allow'] },
};
const v9: RedactionRules = {
  ...v8,
  contentKeysByType: { ...v8.contentKeysByType, 'm.room.member': ['membership', 'join_authorised_via_users_server'] },
};
const v11: RedactionRules = {
  topLevelKeys: V1_TOP_LEVEL_KEYS.filter((key) => !['origin', 'membership', 'prev_state'].includes(key)),
  contentKeysByType: {
    ...v9.contentKeysByType,
    'm.room.create': [],
    'm.room.power_levels': [...V1_POWER_LEVEL_KEYS, 'invite'],
    'm.room.redaction': ['redacts'],
  },
  createKeepsAllContent: true,
  memberKeepsThirdPartyInviteSigned: true,
};

const RULES: Record<RedactionRulesId, RedactionRules> = { v1, v6, v8, v9, v11 };

type EventLike = Record<string, unknown>;

/** Returns the redacted copy of `event` (the input is not changed). */
export function redactEvent<T extends object>(event: T, roomVersion: RoomVersionLike): Record<string, unknown> {
  const rules = RULES[resolveRoomVersion(roomVersion).redaction];
  const source = event as EventLike;
  const redacted: EventLike = {};
  for (const key of rules.topLevelKeys) {
    if (Object.prototype.hasOwnProperty.call(source, key)) redacted[key] = source[key];
  }
  redacted.content = redactContent(source, rules);
  return redacted;
}

function redactContent(event: EventLike, rules: RedactionRules): EventLike {
  const content = isObject(event.content) ? event.content : {};
  const type = event.type;
  if (type === 'm.room.create' && rules.createKeepsAllContent) return { ...content };
  const kept: EventLike = {};
  const keys =
    typeof type === 'string' && Object.prototype.hasOwnProperty.call(rules.contentKeysByType, type) ? rules.contentKeysByType[type]! : [];
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(content, key)) kept[key] = content[key];
  }
  if (type === 'm.room.member' && rules.memberKeepsThirdPartyInviteSigned) {
    const invite = content.third_party_invite;
    if (isObject(invite) && Object.prototype.hasOwnProperty.call(invite, 'signed')) {
      kept.third_party_invite = { signed: invite.signed };
    }
  }
  return kept;
}

function isObject(value: unknown): value is EventLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
