/** Which state events a new event must cite in `auth_events` (server-server API "Auth events selection"). */
import { stateMapKey, AuthState, type AuthStateInput } from './auth-state';
import { resolveRoomVersion, type RoomVersionLike } from './room-versions';

export type StateTuple = [type: string, stateKey: string];

interface EventForSelection {
  type: string;
  sender: string;
  state_key?: string;
  content?: Record<string, unknown>;
}

/**
 * The (type, state_key) pairs `event` must cite. With `currentState`, only those present in it ("if any");
 * without, every candidate, for the caller to look up.
 */
export function authEventSelection(event: EventForSelection, roomVersion: RoomVersionLike): StateTuple[];
export function authEventSelection(event: EventForSelection, currentState: AuthStateInput, roomVersion: RoomVersionLike): StateTuple[];
export function authEventSelection(
  event: EventForSelection,
  stateOrVersion: AuthStateInput | RoomVersionLike,
  maybeVersion?: RoomVersionLike,
): StateTuple[] {
  const hasState = maybeVersion !== undefined;
  const version = resolveRoomVersion(hasState ? maybeVersion : (stateOrVersion as RoomVersionLike));
  if (event.type === 'm.room.create') return [];

  const selected: StateTuple[] = [];
  const seen = new Set<string>();
  const add = (type: string, stateKey: string) => {
    const key = stateMapKey(type, stateKey);
    if (!seen.has(key)) {
      seen.add(key);
      selected.push([type, stateKey]);
    }
  };
  if (version.createInAuthEvents) add('m.room.create', '');
  add('m.room.power_levels', '');
  add('m.room.member', event.sender);
  if (event.type === 'm.room.member' && typeof event.state_key === 'string') {
    const membership = event.content?.membership;
    add('m.room.member', event.state_key);
    if (membership === 'join' || membership === 'invite' || membership === 'knock') add('m.room.join_rules', '');
    const token = (event.content?.third_party_invite as { signed?: { token?: unknown } } | undefined)?.signed?.token;
    if (membership === 'invite' && typeof token === 'string') add('m.room.third_party_invite', token);
    const authoriser = event.content?.join_authorised_via_users_server;
    if (membership === 'join' && typeof authoriser === 'string' && version.restrictedAllowed) add('m.room.member', authoriser);
  }
  if (!hasState) return selected;
  const state = new AuthState(stateOrVersion as AuthStateInput);
  return selected.filter(([type, stateKey]) => state.has(type, stateKey));
}
