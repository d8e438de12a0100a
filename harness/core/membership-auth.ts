/**
 * The `m.room.member` authorisation rules of every room version, as the CURRENT spec words them
 * (spec /rooms/v1 rule 5, /rooms/v3 rule 4, /rooms/v7, v8, v10, v11 rule 4, /rooms/v12 rule 5), plus the
 * room-level preconditions they rely on (a create event in the state; `m.federate`). The fake server uses it
 * for the rooms it hosts. `rule` in a rejection names the spec rule, prefixed with the membership it governs.
 *
 * Knock (v7+, current spec text): 1. join_rule other than knock (v10+: or knock_restricted) → reject;
 * 2. sender ≠ state_key → reject; 3. sender's current membership not ban, invite or join → allow; 4. reject.
 * MSC2403's earlier drafts said "not ban or join" and then "not ban, knock or join"; the spec as merged and as
 * it stands lists ban, invite and join, so re-knocking is allowed and an invited user cannot knock.
 */
import { AuthState, type AuthStateInput, type StateEventLike } from './auth-state';
import { decodeBase64, decodeBase64Url } from './base64';
import { eventId } from './event-hashes';
import { verifyJsonSignature } from './json-signing';
import { namedPowerLevel, roomCreators, userPowerLevel } from './power-levels';
import { resolveRoomVersion, type RoomVersion, type RoomVersionLike } from './room-versions';

export type AuthResult = { allowed: true } | { allowed: false; rule: string };

export interface MembershipAuthOptions {
  /**
   * Checks that `event` is validly signed by `serverName` (v8+ rule for `join_authorised_via_users_server`).
   * Without it that one rule is skipped: core holds no key store, and the fake server checks its own events
   * before signing them.
   */
  isSignedBy?: (event: object, serverName: string) => boolean;
}

const ALLOW: AuthResult = { allowed: true };
const reject = (rule: string): AuthResult => ({ allowed: false, rule });

export function checkMembershipAuth(
  event: object,
  authState: AuthStateInput,
  roomVersion: RoomVersionLike,
  options: MembershipAuthOptions = {},
): AuthResult {
  const version = resolveRoomVersion(roomVersion);
  const member = event as StateEventLike & { prev_events?: unknown[] };
  if (member.type !== 'm.room.member') throw new Error(`checkMembershipAuth: not an m.room.member event (type ${String(member.type)})`);
  const state = new AuthState(authState);

  const create = state.get('m.room.create');
  if (!create) return reject('auth_events: no m.room.create event');
  if (create.content?.['m.federate'] === false && domainOf(member.sender) !== domainOf(create.sender)) {
    return reject("m.federate: sender is not on the create event's server");
  }

  const target = member.state_key;
  const membership = member.content?.membership;
  if (typeof target !== 'string' || typeof membership !== 'string') return reject('member: no state_key or no membership');
  const sender = String(member.sender);

  const authoriser = member.content?.join_authorised_via_users_server;
  if (version.restrictedAllowed && authoriser !== undefined && options.isSignedBy) {
    if (typeof authoriser !== 'string' || !options.isSignedBy(event, domainOf(authoriser))) {
      return reject("join_authorised_via_users_server: event not signed by that user's server");
    }
  }

  const context: Context = { member, state, version, sender, target };
  switch (membership) {
    case 'join':
      return checkJoin(context, create);
    case 'invite':
      return checkInvite(context);
    case 'leave':
      return checkLeave(context);
    case 'ban':
      return checkBan(context);
    case 'knock':
      if (version.knockAllowed) return checkKnock(context);
      break;
  }
  return reject(`member: unknown membership ${membership}`);
}

interface Context {
  member: StateEventLike & { prev_events?: unknown[] };
  state: AuthState;
  version: RoomVersion;
  sender: string;
  target: string;
}

function checkJoin({ member, state, version, sender, target }: Context, create: StateEventLike): AuthResult {
  if (isFirstJoinOfCreator(member, create, state, version)) return ALLOW;
  if (sender !== target) return reject('join: sender is not state_key');
  const current = state.membership(sender);
  if (current === 'ban') return reject('join: sender is banned');
  const joinRule = state.joinRule();
  if (joinRule === 'invite' || (joinRule === 'knock' && version.knockAllowed)) {
    return current === 'invite' || current === 'join'
      ? ALLOW
      : reject(`join: join_rule is ${joinRule} and sender is not invited or joined`);
  }
  if ((joinRule === 'restricted' && version.restrictedAllowed) || (joinRule === 'knock_restricted' && version.knockRestrictedAllowed)) {
    if (current === 'join' || current === 'invite') return ALLOW;
    const authoriser = member.content?.join_authorised_via_users_server;
    if (
      typeof authoriser !== 'string' ||
      state.membership(authoriser) !== 'join' ||
      userPowerLevel(authoriser, state, version) < namedPowerLevel('invite', state, version)
    ) {
      return reject(`join: join_rule is ${joinRule} and join_authorised_via_users_server is not a joined user who can invite`);
    }
    return ALLOW;
  }
  if (joinRule === 'public') return ALLOW;
  return reject(`join: join_rule ${joinRule ?? '(none)'} does not allow joining`);
}

/** "If the only previous event is an m.room.create and the state_key is the creator [v12: its sender], allow." */
function isFirstJoinOfCreator(member: Context['member'], create: StateEventLike, state: AuthState, version: RoomVersion): boolean {
  const prevEvents = member.prev_events;
  if (!Array.isArray(prevEvents) || prevEvents.length !== 1) return false;
  const prev = version.prevEventsFormat === 'tuples' && Array.isArray(prevEvents[0]) ? prevEvents[0][0] : prevEvents[0];
  const creator = version.creatorInContent ? create.content?.creator : create.sender;
  if (member.state_key !== creator || !roomCreators(state, version).has(String(creator))) return false;
  try {
    return prev === eventId(create, version);
  } catch {
    return false;
  }
}

function checkInvite({ member, state, version, sender, target }: Context): AuthResult {
  const thirdPartyInvite = member.content?.third_party_invite;
  if (thirdPartyInvite !== undefined) return checkThirdPartyInvite(thirdPartyInvite, state, sender, target);
  if (state.membership(sender) !== 'join') return reject('invite: sender is not joined');
  const targetMembership = state.membership(target);
  if (targetMembership === 'join' || targetMembership === 'ban') return reject(`invite: target is ${targetMembership}`);
  if (userPowerLevel(sender, state, version) >= namedPowerLevel('invite', state, version)) return ALLOW;
  return reject('invite: sender power level is below the invite level');
}

function checkThirdPartyInvite(invite: unknown, state: AuthState, sender: string, target: string): AuthResult {
  if (state.membership(target) === 'ban') return reject('invite: third_party_invite target is banned');
  const signed = (invite as { signed?: unknown } | null)?.signed;
  if (typeof signed !== 'object' || signed === null) return reject('invite: third_party_invite has no signed');
  const { mxid, token, signatures } = signed as { mxid?: unknown; token?: unknown; signatures?: unknown };
  if (typeof mxid !== 'string' || typeof token !== 'string') return reject('invite: third_party_invite.signed lacks mxid or token');
  if (mxid !== target) return reject('invite: third_party_invite mxid does not match state_key');
  const thirdPartyEvent = state.get('m.room.third_party_invite', token);
  if (!thirdPartyEvent) return reject('invite: no m.room.third_party_invite for the token');
  if (thirdPartyEvent.sender !== sender) return reject('invite: sender is not the sender of the m.room.third_party_invite');
  const publicKeys = thirdPartyPublicKeys(thirdPartyEvent);
  const bySigner = typeof signatures === 'object' && signatures !== null ? (signatures as Record<string, unknown>) : {};
  for (const [signer, keys] of Object.entries(bySigner)) {
    if (typeof keys !== 'object' || keys === null) continue;
    for (const keyId of Object.keys(keys)) {
      if (publicKeys.some((key) => verifyJsonSignature(signed, signer, keyId, key))) return ALLOW;
    }
  }
  return reject('invite: no signature in third_party_invite.signed matches the m.room.third_party_invite keys');
}

function thirdPartyPublicKeys(event: StateEventLike): Uint8Array[] {
  const encoded: unknown[] = [event.content?.public_key];
  const list = event.content?.public_keys;
  if (Array.isArray(list)) for (const entry of list) encoded.push((entry as { public_key?: unknown } | null)?.public_key);
  const keys: Uint8Array[] = [];
  for (const text of encoded) {
    if (typeof text !== 'string') continue;
    for (const decode of [decodeBase64, decodeBase64Url]) {
      try {
        const key = decode(text);
        if (key.length === 32) keys.push(key);
        break;
      } catch {
        // try the other alphabet
      }
    }
  }
  return keys;
}

function checkLeave({ state, version, sender, target }: Context): AuthResult {
  if (sender === target) {
    const current = state.membership(sender);
    const canLeave = current === 'invite' || current === 'join' || (current === 'knock' && version.knockAllowed);
    return canLeave ? ALLOW : reject(`leave: sender leaving themselves is ${current ?? 'not in the room'}`);
  }
  if (state.membership(sender) !== 'join') return reject('leave: sender is not joined');
  const senderLevel = userPowerLevel(sender, state, version);
  if (state.membership(target) === 'ban' && senderLevel < namedPowerLevel('ban', state, version)) {
    return reject('leave: target is banned and sender power level is below the ban level');
  }
  if (senderLevel >= namedPowerLevel('kick', state, version) && userPowerLevel(target, state, version) < senderLevel) {
    return ALLOW;
  }
  return reject("leave: sender power level is below the kick level or not above the target's");
}

function checkBan({ state, version, sender, target }: Context): AuthResult {
  if (state.membership(sender) !== 'join') return reject('ban: sender is not joined');
  const senderLevel = userPowerLevel(sender, state, version);
  if (senderLevel >= namedPowerLevel('ban', state, version) && userPowerLevel(target, state, version) < senderLevel) {
    return ALLOW;
  }
  return reject("ban: sender power level is below the ban level or not above the target's");
}

function checkKnock({ state, version, sender, target }: Context): AuthResult {
  const joinRule = state.joinRule();
  const knockable = joinRule === 'knock' || (joinRule === 'knock_restricted' && version.knockRestrictedAllowed);
  if (!knockable) {
    return reject(version.knockRestrictedAllowed ? 'knock: join_rule is not knock or knock_restricted' : 'knock: join_rule is not knock');
  }
  if (sender !== target) return reject('knock: sender is not state_key');
  const current = state.membership(sender);
  if (current === 'ban' || current === 'invite' || current === 'join') return reject(`knock: sender is already ${current}`);
  return ALLOW;
}

function domainOf(userId: unknown): string {
  const text = String(userId);
  const colon = text.indexOf(':');
  return colon === -1 ? '' : text.slice(colon + 1);
}
