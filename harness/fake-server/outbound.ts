/**
 * What the fake server does towards the HSUT: send events in transactions, invite HSUT users into its rooms,
 * and join HSUT rooms through make_join/send_join. Like remote-membership.ts, every action is a free function
 * that takes the fake (its FakeServerContext) first: `sendEvent(fake, room, spec)`.
 */
import { randomBytes } from 'node:crypto';
import { getRoomVersion, signEvent, versionsWhere } from '../core';
import type { RawResponse } from '../http';
import { checkPduSignature } from './pdu-checks';
import { FakeRoom, type EventSpec, type Pdu } from './room';
import type { FakeServerContext } from './context';

export class FederationCallError extends Error {
  readonly code = 'KK_FEDERATION_CALL_FAILED';
  override name = 'FederationCallError';
  constructor(
    what: string,
    readonly response: RawResponse,
  ) {
    super(`${what} → ${response.status} ${JSON.stringify(response.body)?.slice(0, 500)}`);
  }
}

export function ensureOk(what: string, response: RawResponse): RawResponse {
  if (response.status < 200 || response.status >= 300) throw new FederationCallError(what, response);
  return response;
}

/** PUT /send/{txnId} to `destination` (default: the HSUT). */
export function sendTransaction(
  fake: FakeServerContext,
  content: { pdus?: Pdu[]; edus?: unknown[] },
  destination?: string,
): Promise<RawResponse> {
  const txnId = `kk${Date.now()}${randomBytes(4).toString('hex')}`;
  return fake.request({
    destination,
    method: 'PUT',
    path: `/_matrix/federation/v1/send/${encodeURIComponent(txnId)}`,
    body: { origin: fake.serverName, origin_server_ts: Date.now(), pdus: content.pdus ?? [], edus: content.edus ?? [] },
  });
}

/**
 * Builds and adds an event to `room`, then sends it to every other server with joined members (for a room on
 * the HSUT: to the HSUT). Returns the event and the transaction answers by destination.
 */
export async function sendEvent(
  fake: FakeServerContext,
  room: FakeRoom,
  spec: EventSpec,
): Promise<{ event: Pdu; eventId: string; responses: Record<string, RawResponse> }> {
  const { event, eventId } = room.buildEvent(spec);
  const verdict = room.addEvent(event, { eventId, check: room.hosted });
  if (!verdict.allowed) throw new Error(`sendEvent: the fake's own auth check refuses ${spec.type}: ${verdict.rule}`);
  const destinations = new Set(room.joinedServers().filter((s) => s !== fake.serverName));
  if (!room.hosted && fake.hsut) destinations.add(fake.hsut.serverName);
  const responses: Record<string, RawResponse> = {};
  for (const destination of destinations) {
    if (!fake.baseUrlOf(destination)) continue;
    responses[destination] = await sendTransaction(fake, { pdus: [event] }, destination);
  }
  return { event, eventId, responses };
}

/** A text message from a fake user, sent like any other event (see sendEvent). */
export function sendMessage(fake: FakeServerContext, room: FakeRoom, sender: string, body: string): ReturnType<typeof sendEvent> {
  return sendEvent(fake, room, { type: 'm.room.message', sender, content: { msgtype: 'm.text', body } });
}

export interface InviteOptions {
  sender: string;
  userId: string;
  content?: Record<string, unknown>;
  /**
   * The spec version whose invite_room_state format the request follows: stripped events before v1.16, the
   * room's state events as PDUs of its version (m.room.create included) since. Default: the judged version.
   */
  specVersion?: string;
}

/**
 * Invites an HSUT user into a room the fake hosts (PUT /v2/invite). On success the invite, countersigned by the
 * HSUT, is added to the room. Returns the raw answer either way.
 */
export async function inviteRemoteUser(
  fake: FakeServerContext,
  room: FakeRoom,
  options: InviteOptions,
): Promise<{ response: RawResponse; event: Pdu; eventId: string }> {
  const { event, eventId } = room.buildEvent({
    type: 'm.room.member',
    sender: options.sender,
    stateKey: options.userId,
    content: { ...options.content, membership: 'invite' },
  });
  const verdict = room.checkMembership(event);
  if (!verdict.allowed) throw new Error(`inviteRemoteUser: the fake's own auth check refuses the invite: ${verdict.rule}`);
  const destination = options.userId.slice(options.userId.indexOf(':') + 1);
  const response = await fake.request({
    destination,
    method: 'PUT',
    path: `/_matrix/federation/v2/invite/${encodeURIComponent(room.roomId)}/${encodeURIComponent(eventId)}`,
    body: { room_version: room.version.id, event, invite_room_state: room.remoteRoomState(options.specVersion) },
  });
  if (response.status === 200) {
    const signed = (response.body as { event?: Pdu }).event ?? event;
    room.addEvent(signed, { eventId });
    return { response, event: signed, eventId };
  }
  return { response, event, eventId };
}

/** Fills in a make_* template as the fake server (origin, timestamp, hashes, signature). */
export function completeTemplate(
  fake: FakeServerContext,
  template: Pdu,
  roomVersionId: string,
  overrides: Record<string, unknown> = {},
): { event: Pdu; eventId: string; room: FakeRoom } {
  const version = getRoomVersion(roomVersionId);
  const draft: Pdu = { ...template, origin_server_ts: Date.now() };
  if (version.originInEvents) draft.origin = fake.serverName;
  else delete draft.origin;
  if (version.eventIdFormat === 'v1') draft.event_id = `$${randomBytes(12).toString('hex')}:${fake.serverName}`;
  delete draft.hashes;
  delete draft.signatures;
  for (const [field, value] of Object.entries(overrides)) {
    if (value === undefined) delete draft[field];
    else draft[field] = value;
  }
  const event = signEvent(draft, version, fake.serverName, fake.key.keyId, fake.key.seed) as Pdu;
  // A scratch room only to compute the ID in this version.
  const scratch = new FakeRoom(String(template.room_id ?? ''), version.id, false, fake.signer);
  return { event, eventId: scratch.idOf(event), room: scratch };
}

export interface RemoteJoin {
  room: FakeRoom;
  event: Pdu;
  eventId: string;
  makeJoin: RawResponse;
  sendJoin: RawResponse;
  /** State and auth-chain events whose HSUT signature did not verify (should be empty). */
  unverifiedEvents: Array<{ eventId: string; problems: string[] }>;
}

/**
 * The fake's user joins a room on the HSUT: make_join (offering every version), then send_join v2. The fake
 * keeps a copy of the room (not hosted) so it can check the events the HSUT sends afterwards. Throws a
 * FederationCallError when either call is refused; use fake.request directly to test refusals.
 */
export async function joinRemoteRoom(
  fake: FakeServerContext,
  options: { roomId: string; userId: string; destination?: string },
): Promise<RemoteJoin> {
  const destination = options.destination ?? fake.hsut?.serverName;
  const makeJoin = ensureOk(
    'make_join',
    await fake.request({
      destination,
      method: 'GET',
      path: `/_matrix/federation/v1/make_join/${encodeURIComponent(options.roomId)}/${encodeURIComponent(options.userId)}`,
      query: { ver: versionsWhere(() => true) },
    }),
  );
  const { room_version: roomVersion, event: template } = makeJoin.body as { room_version: string; event: Pdu };
  const { event, eventId } = completeTemplate(fake, template, roomVersion ?? '1');
  const sendJoin = ensureOk(
    'send_join',
    await fake.request({
      destination,
      method: 'PUT',
      path: `/_matrix/federation/v2/send_join/${encodeURIComponent(options.roomId)}/${encodeURIComponent(eventId)}`,
      body: event,
    }),
  );
  const answer = sendJoin.body as { state?: Pdu[]; auth_chain?: Pdu[]; event?: Pdu };
  const room = new FakeRoom(options.roomId, roomVersion ?? '1', false, fake.signer);
  const unverifiedEvents: RemoteJoin['unverifiedEvents'] = [];
  for (const stateEvent of [...(answer.auth_chain ?? []), ...(answer.state ?? [])]) {
    const id = room.addOutlier(stateEvent);
    const check = await checkPduSignature(fake.keys, stateEvent, room.version);
    if (check.problems.length) unverifiedEvents.push({ eventId: id, problems: check.problems });
  }
  const joinEvent = answer.event ?? event;
  room.resetState(answer.state ?? [], room.prevEventIdsOf(joinEvent));
  room.addEvent(joinEvent, { eventId, check: false });
  fake.rooms.set(room.roomId, room);
  return { room, event: joinEvent, eventId, makeJoin, sendJoin, unverifiedEvents };
}
