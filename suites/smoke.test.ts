/**
 * Smoke: the local knock handshake through the client API only, for every room version that has knocking.
 * One user makes a knock room, another knocks; the owner sees the knock in /sync and invites. The knocks are on
 * rooms of the HSUT, so neither `server_name` (v1.1–v1.13) nor `via` (v1.12+) is sent. Levels as in the client-knock
 * and sync suites: statuses MUST, errcodes SHOULD (examples in the spec), the reason SHOULD, m.room.create in
 * knock_state MUST from v1.16, and after the invite rooms.invite or rooms.join (auto-accept is permitted).
 */
import { mustSyncUntil, newUserClient, TEST_TIMEOUT_MS, WAIT_MS } from '../harness/testkit';
import { expect } from 'chai';
import { versionsWhere } from '../harness/core';
import type { ClientEvent, SyncBody } from '../harness/clients/cs-client';
import { match, must, setNotClaimedSkipper, should, spec } from '../harness/match';
import { skipUnlessClaimed } from '../harness/testkit/claimed';
import { isClaimed } from '../harness/match/rule';
import { currentHomeserver } from '../harness/deploy/current';
import type { StartedHomeserver } from '../harness/deploy/types';

const KNOCK_VERSIONS = versionsWhere((v) => v.knockAllowed);

function memberEventInTimeline(body: SyncBody, roomId: string, userId: string, membership: string): ClientEvent | undefined {
  return (body.rooms?.join?.[roomId]?.timeline?.events ?? []).find(
    (e) => e.type === 'm.room.member' && e.state_key === userId && e.content?.membership === membership,
  );
}

const { jsonKeyEqual } = match;

describe('Smoke: a local knock is seen by the room and answered with an invite', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let hs: StartedHomeserver;

  before(() => {
    hs = currentHomeserver();
  });

  // As useFederationEnvironment does: a check of a rule outside the judged spec version skips, never fails.
  beforeEach(function () {
    const ctx = this;
    setNotClaimedSkipper(() => ctx.skip());
    skipUnlessClaimed(this);
  });

  afterEach(() => setNotClaimedSkipper(undefined));

  it('The core table allows knocking in room versions 7 to 12 [harness]', () => {
    expect(KNOCK_VERSIONS, 'versionsWhere(v => v.knockAllowed)').to.include.members(['7', '8', '9', '10', '11', '12']);
  });

  for (const version of KNOCK_VERSIONS) {
    it(`A user knocks on a knock room through the client API, the owner sees the knock in /sync and invites [spec:client.knock,join-rules.knock,sync.room-members-see-knock,sync.knock-section,transitions.knock-to-invite] [v${version}]`, async () => {
      const owner = await newUserClient(hs);
      const knocker = await newUserClient(hs);
      const { room_id: roomId } = await owner.createRoom({
        room_version: version,
        preset: 'private_chat',
        initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
      });
      const { since } = await owner.syncUntil((body) => Boolean(body.rooms?.join?.[roomId]), { timeoutMs: WAIT_MS });

      const reason = `let me in (v${version})`;
      const knock = await knocker.do('POST', knocker.knockPath(roomId), { body: { reason } });
      must.matchResponse(
        knock,
        { status: 200, body: [jsonKeyEqual('room_id', roomId)] },
        spec('client.knock', 'POST /knock answers 200 with the knocked room ID in `room_id`'),
      );

      const seen = await mustSyncUntil(
        owner,
        (body) => Boolean(memberEventInTimeline(body, roomId, knocker.userId, 'knock')),
        { since },
        spec('sync.room-members-see-knock', "The owner's /sync timeline shows the knock member event"),
      );
      const knockEvent = memberEventInTimeline(seen.body, roomId, knocker.userId, 'knock')!;
      must.equal(knockEvent.sender, knocker.userId, spec('membership.knock', 'The knock member event is sent by the knocking user'));
      should.equal(knockEvent.content.reason, reason, spec('client.knock-reason', "The knock carries the request's reason"));
      must.equal(
        (await owner.stateEvent(roomId, 'm.room.member', knocker.userId)).membership,
        'knock',
        spec('membership.knock', "The knocker's membership in the room state is knock"),
      );

      const knocked = await mustSyncUntil(
        knocker,
        (body) => Boolean(body.rooms?.knock?.[roomId]),
        {},
        spec('sync.knock-section', "The knocker's /sync lists the room under rooms.knock"),
      );
      const knockState = knocked.body.rooms!.knock![roomId].knock_state?.events ?? [];
      const types = `knock_state event types ${JSON.stringify(knockState.map((e) => e.type))}`;
      const createRequired = spec('sync.knock-state-create', 'knock_state contains m.room.create (required since v1.16)');
      if (isClaimed(createRequired))
        must.ok(
          knockState.some((e) => e.type === 'm.room.create'),
          createRequired,
          types,
        );
      else
        should.ok(
          knockState.some((e) => e.type === 'm.room.create'),
          spec('sync.knock-state-identifying', 'knock_state carries m.room.create ("should contain some or all of")'),
          types,
        );
      const ownKnock = knockState.find((e) => e.type === 'm.room.member' && e.state_key === knocker.userId);
      if (should.ok(ownKnock, spec('sync.knock-state-own-member', "knock_state includes the knocker's own member event"), types)) {
        must.equal(
          ownKnock?.content.membership,
          'knock',
          spec('sync.knock-state-stripped', "The own member event in knock_state is the user's current one: membership knock"),
        );
      }

      // A knock does not let the knocker in: joining without an invite is refused.
      const join = await knocker.do('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, { body: {} });
      must.matchResponse(
        join,
        { status: 403 },
        spec('join-rules.knock-needs-invite-to-join', 'Joining a knock room without an invite is refused with 403'),
      );
      should.matchResponse(
        join,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('join-rules.knock-needs-invite-to-join', 'The refused join answers errcode M_FORBIDDEN (the /join 403 example)'),
      );

      await owner.invite(roomId, knocker.userId);
      const member = await owner.stateEvent(roomId, 'm.room.member', knocker.userId);
      // The server may accept the invite for the knocker at once ("permitted to automatically accept invites").
      must.ok(
        member.membership === 'invite' || member.membership === 'join',
        spec(
          'transitions.knock-to-invite',
          "The owner's /invite accepts the knock: the membership becomes invite (or join, auto-accepted)",
        ),
        `membership ${member.membership}`,
      );
      await mustSyncUntil(
        knocker,
        (body) => Boolean(body.rooms?.invite?.[roomId] ?? body.rooms?.join?.[roomId]),
        {},
        spec('sync.knock-accepted-to-invite', "The knocker's /sync lists the room under rooms.invite (or rooms.join, auto-accepted)"),
      );
    });
  }

  it('Knocking on an invite-only room is refused with 403 M_FORBIDDEN [spec:client.knock-forbidden,join-rules.knock-only-with-knock-rule] [v7]', async () => {
    const owner = await newUserClient(hs);
    const knocker = await newUserClient(hs);
    const { room_id: roomId } = await owner.createRoom({ room_version: KNOCK_VERSIONS[0], preset: 'private_chat' });
    const knock = await knocker.do('POST', knocker.knockPath(roomId), { body: {} });
    must.matchResponse(knock, { status: 403 }, spec('client.knock-forbidden', 'A knock on an invite-only room answers 403'));
    should.matchResponse(
      knock,
      { status: 403, errcode: 'M_FORBIDDEN' },
      spec('client.knock-forbidden', 'The refused knock answers errcode M_FORBIDDEN (the knockRoom 403 example)'),
    );
    const members = (await owner.state(roomId)).filter((e) => e.type === 'm.room.member').map((e) => e.state_key);
    must.ok(
      !members.includes(knocker.userId),
      spec('join-rules.knock-only-with-knock-rule', 'The refused knock gives the user no membership'),
      `members ${JSON.stringify(members)}`,
    );
  });
});
