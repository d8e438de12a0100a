/**
 * Room versions 1–6 have no `knock` membership: their auth rules know only join, invite, leave and ban. Whatever
 * the join rule says, a knock into such a room must be refused — over federation (make_knock, send_knock) and
 * through the client API — and no knock may enter the room. The refusal's status is the one the endpoint's
 * response definitions give for a room "not set up for receiving knocks" (403; send_knock also 400, the
 * invalid-request answer); the errcodes are examples (SHOULD).
 */
import { versionsWhere } from '../harness/core';
import { joinRemoteRoom, makeKnock, sendEvent, sendKnock, sendMessage } from '../harness/fake-server';
import { must, setup, should, spec } from '../harness/match';
import {
  createKnockRoom,
  mustHaveMembership,
  mustRefuseIncompatibleVersion,
  PRE_KNOCK_VERSIONS,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  waitForEvent,
  waitForMembership,
  WAIT_MS,
  unique,
} from '../harness/testkit';

const ALL_VERSIONS = versionsWhere(() => true);

/** A room of a version without knocking whose join rule nevertheless says `knock` (createKnockRoom with this label). */
const OLD_KNOCK_ROOM = { label: 'no knocking in' } as const;

describe('Room versions 1–6: the HSUT refuses knocks in rooms whose version has no knocking', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  /**
   * A room of a version without knocking, join rule knock, with a fake member (joined while the room was public)
   * whose copy of the room lets the fake build events into it — make_knock is (rightly) refused there.
   */
  async function oldKnockRoomWithFakeMember(v: string) {
    const owner = await env.roomOwner();
    const { room_id: roomId } = await owner.createRoom({ room_version: v, preset: 'public_chat', name: `no knocking in v${v}` });
    const member = env.fake.userId(unique('member'));
    const { room } = await joinRemoteRoom(env.fake, { roomId, userId: member });
    await waitForMembership(owner, roomId, member, 'join');
    const since = env.fake.mark();
    const { event_id: joinRulesId } = await owner.sendState(roomId, 'm.room.join_rules', '', { join_rule: 'knock' });
    const received = await env.fake.waitForPdu((p) => p.eventId === joinRulesId, { timeoutMs: WAIT_MS, since });
    must.ok(received.accepted, setup('the fake member receives the knock join rule'), received.rejection);
    const authEvents = ['m.room.create', 'm.room.power_levels', 'm.room.join_rules'].map((type) =>
      room.idOf(room.currentStateEvent(type)!),
    );
    return { owner, roomId, room, member, authEvents };
  }

  for (const v of PRE_KNOCK_VERSIONS) {
    it(`make_knock answers 400 M_INCOMPATIBLE_ROOM_VERSION with room_version when ver lacks the room's version [spec:room-versions.knock-refused-before-v7,make_knock.incompatible-version] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, OLD_KNOCK_ROOM);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS.filter((x) => x !== v) });
      mustRefuseIncompatibleVersion(res, v);
      await mustHaveMembership(
        owner,
        roomId,
        user,
        undefined,
        spec('make_knock.incompatible-version', 'A refused make_knock MUST NOT change room state'),
      );
    });

    it(`make_knock answers 403 M_FORBIDDEN for a room whose version has no knocking, even with join rule knock [spec:room-versions.knock-refused-before-v7,make_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, OLD_KNOCK_ROOM);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(
        res,
        { status: 403 },
        spec(
          'make_knock.forbidden',
          `make_knock MUST answer 403 in a room of version ${v}: versions before 7 have no knock membership (the room is not set up for receiving knocks)`,
        ),
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('make_knock.forbidden', 'make_knock in a room without knocking SHOULD answer errcode M_FORBIDDEN (the example)'),
      );
      await mustHaveMembership(
        owner,
        roomId,
        user,
        undefined,
        spec('room-versions.knock-refused-before-v7', 'A refused make_knock MUST NOT change room state'),
      );
    });

    it(`send_knock refuses a knock event in a room whose version has no knocking with a client error and no knock in state [spec:room-versions.knock-refused-before-v7,send_knock.forbidden] [v${v}]`, async () => {
      const { owner, roomId, room, authEvents } = await oldKnockRoomWithFakeMember(v);
      const user = env.fake.userId(unique('knocker'));
      const { event, eventId } = room.buildEvent({
        type: 'm.room.member',
        sender: user,
        stateKey: user,
        content: { membership: 'knock', reason: 'knocking where no knock exists' },
        authEvents,
      });
      const res = await sendKnock(env.fake, roomId, eventId, event);
      must.ok(
        res.status === 400 || res.status === 403,
        spec(
          'send_knock.forbidden',
          `send_knock MUST refuse a knock in a room of version ${v} (no knock membership before version 7) with 403 (not set up for receiving knocks) or 400 (invalid)`,
        ),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec(
          'send_knock.forbidden',
          'send_knock in a room without knocking SHOULD answer 403 M_FORBIDDEN (the room is not set up for receiving knocks)',
        ),
      );
      await mustHaveMembership(
        owner,
        roomId,
        user,
        undefined,
        spec(
          'room-versions.knock-refused-before-v7',
          `Room version ${v} auth rules have no knock membership: a refused send_knock MUST NOT change room state`,
        ),
      );
    });

    it(`A knock pushed over /send by a resident server into a room whose version has no knocking is rejected by the auth rules [spec:room-versions.knock-refused-before-v7] [v${v}]`, async () => {
      const { owner, roomId, room, member, authEvents } = await oldKnockRoomWithFakeMember(v);
      const user = env.fake.userId(unique('knocker'));
      await sendEvent(env.fake, room, {
        type: 'm.room.member',
        sender: user,
        stateKey: user,
        content: { membership: 'knock' },
        authEvents,
      });
      // The marker cites the knock as a prev_event, so once the HSUT serves it, it has judged the knock.
      const marker = await sendMessage(env.fake, room, member, 'marker after a knock in an old room version');
      await waitForEvent(owner, roomId, marker.eventId);
      await mustHaveMembership(
        owner,
        roomId,
        user,
        undefined,
        spec(
          'room-versions.knock-refused-before-v7',
          `Room version ${v} auth rules have no knock membership: a knock event MUST be rejected and never become state`,
        ),
      );
    });

    it(`A local user's client-API knock on a local room whose version has no knocking is refused with a client error [spec:room-versions.knock-refused-before-v7,client.knock-forbidden] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const knocker = await env.newUser();
      const roomId = await createKnockRoom(owner, v, OLD_KNOCK_ROOM);
      const res = await knocker.do('POST', knocker.knockPath(roomId), {
        query: { via: [env.hs.serverName] },
        body: { reason: 'no knocking here' },
      });
      must.matchResponse(
        res,
        { status: 403 },
        spec(
          'client.knock-forbidden',
          `POST /knock MUST answer 403 (you do not have permission to knock) on a room of version ${v}: no knock membership before version 7`,
        ),
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('client.knock-forbidden', 'POST /knock on a room without knocking SHOULD answer errcode M_FORBIDDEN'),
      );
      await mustHaveMembership(
        owner,
        roomId,
        knocker.userId,
        undefined,
        spec('room-versions.knock-refused-before-v7', 'A refused knock MUST NOT change room state'),
      );
    });
  }
});
