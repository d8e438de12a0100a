/**
 * Builds a room hosted by the fake server: create event, creator's join, power levels, join rules, history
 * visibility, then the optional name/topic/avatar/alias/encryption and any extra state.
 */
import { randomBytes } from 'node:crypto';
import { FakeRoom, type JoinRule, type Signer } from './room';

export interface CreateRoomOptions {
  roomVersion: string;
  /** User ID on the fake server. */
  creator: string;
  joinRule?: JoinRule;
  /** `allow` of restricted / knock_restricted join rules. */
  allow?: Array<{ type: 'm.room_membership'; room_id: string }>;
  /** Merged over the default power levels (creator 100 — not listed in v12, where creators are implicit). */
  powerLevels?: Record<string, unknown>;
  /** v12: more creators (content.additional_creators). */
  additionalCreators?: string[];
  name?: string;
  topic?: string;
  avatarUrl?: string;
  canonicalAlias?: string;
  /** true → m.megolm.v1.aes-sha2; an object → that content. */
  encryption?: boolean | Record<string, unknown>;
  historyVisibility?: 'shared' | 'invited' | 'joined' | 'world_readable';
  /** Sent after everything else, in order. */
  extraState?: Array<{ type: string; stateKey?: string; content: Record<string, unknown>; sender?: string }>;
}

export function createHostedRoom(signer: Signer, options: CreateRoomOptions): FakeRoom {
  const { creator } = options;
  const placeholderId = `!${randomBytes(9).toString('base64url')}:${signer.serverName}`;
  const room = new FakeRoom(placeholderId, options.roomVersion, true, signer);
  const version = room.version;

  const createContent: Record<string, unknown> = { room_version: version.id };
  if (version.creatorInContent) createContent.creator = creator;
  if (options.additionalCreators?.length) createContent.additional_creators = options.additionalCreators;
  const create = room.buildEvent({
    type: 'm.room.create',
    stateKey: '',
    sender: creator,
    content: createContent,
    prevEvents: [],
    authEvents: [],
    depth: 1,
    overrides: version.roomIdFromCreateHash ? { room_id: undefined } : {},
  });
  if (version.roomIdFromCreateHash) room.setRoomIdFromCreate(create.event);
  room.addEvent(create.event, { check: false, eventId: create.eventId });

  const send = (type: string, content: Record<string, unknown>, stateKey = '', sender = creator) => {
    const { event, eventId } = room.buildEvent({ type, stateKey, sender, content });
    const verdict = room.addEvent(event, { eventId });
    if (!verdict.allowed) throw new Error(`createHostedRoom: ${type} refused by the auth rules: ${verdict.rule}`);
  };

  send('m.room.member', { membership: 'join' }, creator);

  const users: Record<string, number> = version.creatorsHaveInfinitePower ? {} : { [creator]: 100 };
  send('m.room.power_levels', {
    users,
    users_default: 0,
    events: {},
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
    ...options.powerLevels,
  });

  const joinRule = options.joinRule ?? 'public';
  const joinRulesContent: Record<string, unknown> = { join_rule: joinRule };
  if (options.allow) joinRulesContent.allow = options.allow;
  send('m.room.join_rules', joinRulesContent);
  send('m.room.history_visibility', { history_visibility: options.historyVisibility ?? 'shared' });

  if (options.name !== undefined) send('m.room.name', { name: options.name });
  if (options.topic !== undefined) send('m.room.topic', { topic: options.topic });
  if (options.avatarUrl !== undefined) send('m.room.avatar', { url: options.avatarUrl });
  if (options.canonicalAlias !== undefined) send('m.room.canonical_alias', { alias: options.canonicalAlias });
  if (options.encryption) {
    send('m.room.encryption', options.encryption === true ? { algorithm: 'm.megolm.v1.aes-sha2' } : options.encryption);
  }
  for (const extra of options.extraState ?? []) send(extra.type, extra.content, extra.stateKey ?? '', extra.sender ?? creator);
  return room;
}
