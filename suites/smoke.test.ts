/**
 * Smoke: the local knock handshake through the client API only, for every room version that has knocking.
 * One user makes a knock room, another knocks; the owner sees the knock in /sync and invites.
 */
import { TEST_TIMEOUT_MS, WAIT_MS } from '../harness/testkit';
import { expect } from 'chai';
import { versionsWhere } from '../harness/core';
import { CSClient, type ClientEvent, type SyncBody } from '../harness/clients/cs-client';
import { currentHomeserver } from '../harness/deploy/current';
import type { StartedHomeserver } from '../harness/deploy/types';

const KNOCK_VERSIONS = versionsWhere((v) => v.knockAllowed);

async function newClient(hs: StartedHomeserver): Promise<CSClient> {
  const user = await hs.registerUser();
  return new CSClient({ baseUrl: hs.clientUrl, accessToken: user.accessToken, userId: user.userId, deviceId: user.deviceId });
}

function memberEventInTimeline(body: SyncBody, roomId: string, userId: string, membership: string): ClientEvent | undefined {
  return (body.rooms?.join?.[roomId]?.timeline?.events ?? []).find(
    (e) => e.type === 'm.room.member' && e.state_key === userId && e.content?.membership === membership,
  );
}

describe('Smoke: a local knock is seen by the room and answered with an invite', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let hs: StartedHomeserver;

  before(() => {
    hs = currentHomeserver();
  });

  it('The core table allows knocking in room versions 7 to 12 [harness]', () => {
    expect(KNOCK_VERSIONS, 'versionsWhere(v => v.knockAllowed)').to.include.members(['7', '8', '9', '10', '11', '12']);
  });

  for (const version of KNOCK_VERSIONS) {
    it(`A user knocks on a knock room through the client API, the owner sees the knock in /sync and invites [spec:client.knock,join-rules.knock,sync.room-members-see-knock,sync.knock-section,transitions.knock-to-invite] [v${version}]`, async () => {
      const owner = await newClient(hs);
      const knocker = await newClient(hs);
      const { room_id: roomId } = await owner.createRoom({
        room_version: version,
        preset: 'private_chat',
        initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
      });
      const { since } = await owner.syncUntil((body) => Boolean(body.rooms?.join?.[roomId]), { timeoutMs: WAIT_MS });

      const reason = `let me in (v${version})`;
      const knock = await knocker.do('POST', knocker.knockPath(roomId), { query: { via: [hs.serverName] }, body: { reason } });
      expect(knock.status, `knock answer ${JSON.stringify(knock.body)}`).to.equal(200);
      expect(knock.body).to.deep.equal({ room_id: roomId });

      const seen = await owner.syncUntil((body) => Boolean(memberEventInTimeline(body, roomId, knocker.userId!, 'knock')), {
        since,
        timeoutMs: WAIT_MS,
      });
      const knockEvent = memberEventInTimeline(seen.body, roomId, knocker.userId!, 'knock')!;
      expect(knockEvent.sender).to.equal(knocker.userId);
      expect(knockEvent.content.reason).to.equal(reason);
      expect((await owner.stateEvent(roomId, 'm.room.member', knocker.userId!)).membership).to.equal('knock');

      const knocked = await knocker.syncUntil((body) => Boolean(body.rooms?.knock?.[roomId]), { timeoutMs: WAIT_MS });
      const knockState = knocked.body.rooms!.knock![roomId].knock_state?.events ?? [];
      expect(knockState.map((e) => e.type), 'knock_state event types').to.include('m.room.create');
      const ownKnock = knockState.find((e) => e.type === 'm.room.member' && e.state_key === knocker.userId);
      expect(ownKnock?.content.membership, 'own member event in knock_state').to.equal('knock');

      // A knock does not let the knocker in: joining without an invite is refused.
      const join = await knocker.do('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, { body: {} });
      expect(join.status, `join answer ${JSON.stringify(join.body)}`).to.equal(403);
      expect(join.errcode).to.equal('M_FORBIDDEN');

      await owner.invite(roomId, knocker.userId!);
      const member = await owner.stateEvent(roomId, 'm.room.member', knocker.userId!);
      expect(member.membership).to.equal('invite');
      await knocker.syncUntil((body) => Boolean(body.rooms?.invite?.[roomId]), { timeoutMs: WAIT_MS });
    });
  }

  it('Knocking on an invite-only room is refused with 403 M_FORBIDDEN [spec:client.knock-forbidden,join-rules.knock-only-with-knock-rule] [v7]', async () => {
    const owner = await newClient(hs);
    const knocker = await newClient(hs);
    const { room_id: roomId } = await owner.createRoom({ room_version: KNOCK_VERSIONS[0], preset: 'private_chat' });
    const knock = await knocker.do('POST', knocker.knockPath(roomId), { query: { via: [hs.serverName] }, body: {} });
    expect(knock.status, `knock answer ${JSON.stringify(knock.body)}`).to.equal(403);
    expect(knock.errcode).to.equal('M_FORBIDDEN');
    const members = (await owner.state(roomId)).filter((e) => e.type === 'm.room.member').map((e) => e.state_key);
    expect(members).to.not.include(knocker.userId);
  });
});
