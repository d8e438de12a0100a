/**
 * Accepting a remote knock: the HSUT invites the knocking fake user, so it sends PUT /_matrix/federation/v2/invite
 * to the fake server. Since v1.16 (MSC4311) that request's `invite_room_state` MUST contain the room's
 * m.room.create event and every entry MUST be formatted according to the room version (a PDU of that version).
 */
import { getRoomVersion } from '../harness/core';
import { knockOn, type Pdu } from '../harness/fake-server';
import { must, setup, spec } from '../harness/match';
import {
  KNOCK_VERSIONS,
  createHsutRoom,
  pollUntil,
  unique,
  useFederationEnvironment,
  waitForMembership,
  WAIT_MS,
} from '../harness/testkit';

/** The keys every PDU of the room version carries (room version specs, "Event format"). */
function pduKeys(roomVersion: string, type: string): string[] {
  const version = getRoomVersion(roomVersion);
  const keys = ['auth_events', 'content', 'depth', 'hashes', 'origin_server_ts', 'prev_events', 'sender', 'signatures', 'type'];
  // v12: the create event has no room_id (the room ID is its reference hash); v1–v2 events carry their event_id.
  if (!(version.roomIdFromCreateHash && type === 'm.room.create')) keys.push('room_id');
  if (version.eventIdFormat === 'v1') keys.push('event_id');
  return keys;
}

describe('Accepting a remote knock: the invite the HSUT sends carries invite_room_state in the room version format', function () {
  const env = useFederationEnvironment();

  for (const v of KNOCK_VERSIONS) {
    it(`The invite accepting a fake user's knock carries invite_room_state with m.room.create, every entry a PDU of room version ${v} [spec:federation.invite-room-state] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock', name: `invite state v${v}` });
      const knocker = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, knocker);
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, setup('the fake user knocks through make_knock/send_knock'));
      await waitForMembership(owner, roomId, knocker, 'knock');
      const since = env.fake.mark();
      await owner.invite(roomId, knocker);
      const invite = await pollUntil(async () => env.fake.requests('invite', { since })[0], {
        timeoutMs: WAIT_MS,
        description: `PUT /v2/invite for ${knocker}`,
      });
      const state = (invite.body as { invite_room_state?: unknown }).invite_room_state;
      must.ok(
        Array.isArray(state),
        spec('federation.invite-room-state', 'the invite carries invite_room_state, a list of state events'),
        JSON.stringify(invite.body).slice(0, 300),
      );
      const entries = state as Pdu[];
      must.ok(
        entries.some((e) => e.type === 'm.room.create' && e.state_key === ''),
        spec('federation.invite-room-state', 'invite_room_state MUST contain the m.room.create event for the room'),
        `types: ${JSON.stringify(entries.map((e) => e.type))}`,
      );
      for (const entry of entries) {
        const missing = pduKeys(v, String(entry.type)).filter((key) => !(key in entry));
        must.equal(
          missing,
          [],
          spec(
            'federation.invite-room-state',
            `invite_room_state entry ${String(entry.type)} MUST be formatted according to room version ${v} (a PDU): keys it lacks`,
          ),
        );
      }
    });
  }
});
