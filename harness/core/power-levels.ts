/**
 * Power levels as the auth rules read them: defaults when the event or a key is missing, the room creator at 100
 * when there is no power levels event (v1–v11), creators at infinity (v12), and string-encoded integers accepted
 * before v10 ("stringy power levels").
 */
import type { AuthState } from './auth-state';
import type { RoomVersion } from './room-versions';

const NAMED_LEVEL_DEFAULTS = { invite: 0, kick: 50, ban: 50, redact: 50 } as const;

/** Creators: v1–v10 `content.creator`; v11 the create event's sender; v12 sender plus `additional_creators`. */
export function roomCreators(state: AuthState, version: RoomVersion): Set<string> {
  const create = state.get('m.room.create');
  const creators = new Set<string>();
  if (!create) return creators;
  if (version.creatorInContent) {
    if (typeof create.content?.creator === 'string') creators.add(create.content.creator);
    return creators;
  }
  if (typeof create.sender === 'string') creators.add(create.sender);
  const additional = create.content?.additional_creators;
  if (version.creatorsHaveInfinitePower && Array.isArray(additional)) {
    for (const user of additional) if (typeof user === 'string') creators.add(user);
  }
  return creators;
}

export function userPowerLevel(userId: string, state: AuthState, version: RoomVersion): number {
  const creators = roomCreators(state, version);
  if (version.creatorsHaveInfinitePower && creators.has(userId)) return Infinity;
  const powerLevels = state.get('m.room.power_levels');
  if (!powerLevels) return creators.has(userId) ? 100 : 0;
  const content = powerLevels.content ?? {};
  const users = content.users;
  const own = typeof users === 'object' && users !== null ? (users as Record<string, unknown>)[userId] : undefined;
  return toLevel(own, version) ?? toLevel(content.users_default, version) ?? 0;
}

export function namedPowerLevel(name: keyof typeof NAMED_LEVEL_DEFAULTS, state: AuthState, version: RoomVersion): number {
  const value = state.get('m.room.power_levels')?.content?.[name];
  return toLevel(value, version) ?? NAMED_LEVEL_DEFAULTS[name];
}

function toLevel(value: unknown, version: RoomVersion): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (!version.integerPowerLevels && typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    return Number.parseInt(value, 10);
  }
  return undefined;
}
