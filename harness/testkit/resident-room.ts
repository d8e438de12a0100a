/**
 * HSUT rooms in which the fake server is resident: a fake "witness" user is joined, so the fake holds a copy of
 * the room, receives its events and can push PDUs into it over /send. Events pushed that way meet nothing but
 * the HSUT's auth rules (no make_/send_ pre-checks), which is how the suites test those rules alone.
 */
import { getRoomVersion } from '../core';
import { joinRemoteRoom, sendEvent, sendMessage, type FakeRoom } from '../fake-server';
import { must, setup } from '../match';
import type { FederationEnvironment, UserClient } from './environment';
import { createHsutRoom, type HsutRoomOptions } from './hsut-rooms';
import { unique } from './unique';
import { waitForEvent } from './waits';

export interface ResidentRoom {
  owner: UserClient;
  roomId: string;
  /** The fake's copy of the room (events the HSUT sends land here). */
  room: FakeRoom;
  witness: string;
}

/** A new owner's room (the witness invited at creation) that the witness then joins through make_join/send_join. */
export async function residentHsutRoom(
  env: FederationEnvironment,
  options: HsutRoomOptions & { witnessPowerLevel?: number },
): Promise<ResidentRoom> {
  const { witnessPowerLevel, ...roomOptions } = options;
  const owner = await env.roomOwner();
  const witness = env.fake.userId(unique('witness'));
  const powerLevels =
    witnessPowerLevel === undefined ? roomOptions.powerLevels : { ...roomOptions.powerLevels, users: witnessAndOwnerLevels() };
  const roomId = await createHsutRoom(owner, { ...roomOptions, powerLevels, invite: [witness, ...(roomOptions.invite ?? [])] });
  const join = await joinRemoteRoom(env.fake, { roomId, userId: witness });
  return { owner, roomId, room: join.room, witness };

  // The override replaces the whole users map: the owner keeps 100, except where creators are above any level (v12).
  function witnessAndOwnerLevels(): Record<string, number> {
    const ownerLevel = getRoomVersion(options.roomVersion).creatorsHaveInfinitePower ? {} : { [owner.userId]: 100 };
    return { ...ownerLevel, [witness]: witnessPowerLevel! };
  }
}

/** Makes the fake resident in an existing room: the owner invites a witness, who joins. */
export async function makeFakeResident(env: FederationEnvironment, owner: UserClient, roomId: string): Promise<ResidentRoom> {
  const witness = env.fake.userId(unique('witness'));
  await owner.invite(roomId, witness);
  const join = await joinRemoteRoom(env.fake, { roomId, userId: witness });
  return { owner, roomId, room: join.room, witness };
}

/**
 * Pushes an m.room.member PDU the fake builds in its copy of the room over /send, then settles (below).
 * /send answers before the HSUT authorises the PDU, so its 200 says nothing about the event itself.
 */
export async function pushMemberEventAndSettle(
  env: FederationEnvironment,
  r: ResidentRoom,
  spec: { sender: string; stateKey: string; content: Record<string, unknown>; authEvents?: string[] },
): Promise<string> {
  const sent = await sendEvent(env.fake, r.room, { type: 'm.room.member', ...spec });
  must.matchResponse(
    sent.responses[env.hs.serverName] ?? { status: 0, body: 'no transaction was sent to the HSUT' },
    { status: 200 },
    setup('PUT /_matrix/federation/v1/send/{txnId} answers 200 to a well-formed transaction from a server in the room'),
  );
  await settle(env, r, `after ${sent.eventId}`);
  return sent.eventId;
}

/**
 * The witness sends a marker whose prev_events include everything the fake pushed; once the owner can read the
 * marker, the HSUT has processed those events (accepted or rejected), and their effect on state can be read.
 */
export async function settle(env: FederationEnvironment, r: ResidentRoom, note: string): Promise<void> {
  const marker = await sendMessage(env.fake, r.room, r.witness, `marker ${note}`);
  await waitForEvent(r.owner, r.roomId, marker.eventId);
}
