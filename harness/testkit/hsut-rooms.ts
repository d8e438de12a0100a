/** Rooms on the HSUT, made and read through the client-server API. */
import type { CSClient, StateEventInput } from '../clients/cs-client';
import type { FederationEnvironment, UserClient } from './environment';

export type HsutJoinRule = 'public' | 'invite' | 'knock' | 'restricted' | 'knock_restricted' | 'private';

export interface HsutRoomOptions {
  roomVersion: string;
  joinRule: HsutJoinRule;
  name?: string;
  topic?: string;
  avatarUrl?: string;
  /** Local part of a canonical alias to create (e.g. 'my-room' → #my-room:server). */
  aliasLocalpart?: string;
  encrypted?: boolean;
  /** Room IDs whose members may join under restricted / knock_restricted. */
  allowRooms?: string[];
  powerLevels?: Record<string, unknown>;
  /** Publish in the room directory. */
  publish?: boolean;
  invite?: string[];
  extraState?: StateEventInput[];
}

export async function createHsutRoom(owner: CSClient, options: HsutRoomOptions): Promise<string> {
  const joinRules: Record<string, unknown> = { join_rule: options.joinRule };
  if (options.allowRooms) joinRules.allow = options.allowRooms.map((roomId) => ({ type: 'm.room_membership', room_id: roomId }));
  const initialState: StateEventInput[] = [{ type: 'm.room.join_rules', state_key: '', content: joinRules }];
  if (options.avatarUrl) initialState.push({ type: 'm.room.avatar', state_key: '', content: { url: options.avatarUrl } });
  if (options.encrypted) initialState.push({ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } });
  initialState.push(...(options.extraState ?? []));
  const { room_id: roomId } = await owner.createRoom({
    room_version: options.roomVersion,
    preset: 'private_chat',
    visibility: options.publish ? 'public' : 'private',
    name: options.name,
    topic: options.topic,
    room_alias_name: options.aliasLocalpart,
    invite: options.invite,
    initial_state: initialState,
    power_level_content_override: options.powerLevels,
  });
  return roomId;
}

/** Options of a knock room: join rule knock unless `joinRule` says otherwise; `label` names it `<label> v<version>`. */
export type KnockRoomOptions = Partial<HsutRoomOptions> & { label?: string };

/** A room the owner creates on the HSUT with join rule knock (or `options.joinRule`); returns its ID. */
export function createKnockRoom(owner: CSClient, roomVersion: string, options: KnockRoomOptions = {}): Promise<string> {
  const { label, ...rest } = options;
  return createHsutRoom(owner, {
    roomVersion,
    joinRule: 'knock',
    ...(label === undefined ? {} : { name: `${label} v${roomVersion}` }),
    ...rest,
  });
}

/** A new HSUT user and a knock room they own (createKnockRoom). */
export async function newKnockRoom(
  env: FederationEnvironment,
  roomVersion: string,
  options: KnockRoomOptions = {},
): Promise<{ owner: UserClient; roomId: string }> {
  const owner = await env.roomOwner();
  const roomId = await createKnockRoom(owner, roomVersion, options);
  return { owner, roomId };
}

/** The target's membership in the room as a member sees it (/state), or undefined when it has none. */
export async function membershipOf(viewer: CSClient, roomId: string, userId: string): Promise<string | undefined> {
  const response = await viewer.do(
    'GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`,
  );
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new Error(`reading ${userId}'s membership in ${roomId}: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { membership?: string }).membership;
}

/** The full member event of the target (from /state), or undefined. */
export async function memberEventOf(viewer: CSClient, roomId: string, userId: string) {
  const state = await viewer.state(roomId);
  return state.find((e) => e.type === 'm.room.member' && e.state_key === userId);
}
