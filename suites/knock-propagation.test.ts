/**
 * A knock is a room event like any other: once the resident HSUT accepts it — from a remote server through
 * send_knock, or from its own user through the client API — it sends it to every other server in the room, so
 * their members see the knock too.
 */
import { joinRemoteRoom, knockOn } from '../harness/fake-server';
import { must, setup, should, spec } from '../harness/match';
import {
  KNOCK_VERSIONS,
  newKnockRoom,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  waitForMembership,
  WAIT_MS,
  unique,
} from '../harness/testkit';

describe('Knock propagation: the resident HSUT sends accepted knocks to the other servers in the room', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  /** An HSUT knock room with a member from the main fake server (invited, then joined over federation). */
  async function knockRoomWithRemoteMember(roomVersion: string) {
    const { owner, roomId } = await newKnockRoom(env, roomVersion, { name: 'knock propagation' });
    const member = env.fake.userId(unique('member'));
    await owner.invite(roomId, member);
    await joinRemoteRoom(env.fake, { roomId, userId: member });
    await waitForMembership(owner, roomId, member, 'join');
    return { owner, roomId };
  }

  for (const v of KNOCK_VERSIONS) {
    it(`A knock accepted through send_knock from one server reaches another server's members in the room over /send [spec:send_knock.persisted,sync.room-members-see-knock] [v${v}]`, async () => {
      const { owner, roomId } = await knockRoomWithRemoteMember(v);
      const knockingServer = await env.startOtherFakeServer();
      const knocker = knockingServer.userId(unique('knocker'));
      const since = env.fake.mark();
      const handshake = await knockOn(knockingServer, roomId, knocker, { content: { reason: 'hello from another server' } });
      must.matchResponse(
        handshake.send ?? handshake.make,
        { status: 200 },
        setup('make_knock and send_knock from the second fake server are accepted'),
      );
      await waitForMembership(owner, roomId, knocker, 'knock');
      const pdu = await env.fake
        .waitForPdu((p) => p.via === 'send' && p.eventId === handshake.eventId, { timeoutMs: WAIT_MS, since })
        .catch(() => undefined);
      must.ok(
        pdu,
        spec(
          'send_knock.sent-to-room',
          'A resident server MUST send an accepted knock to the other servers in the room (it is part of the room graph that room members see)',
        ),
        `the knock ${handshake.eventId} of ${knocker} never reached ${env.fake.serverName}, which has a joined member`,
      );
      must.equal(
        (pdu.event.content as Record<string, unknown>).membership,
        'knock',
        spec('membership.knock', 'The knock sent on to other servers is the knock member event'),
      );
      must.ok(
        pdu.signatureVerified,
        spec('send_knock.sent-to-room', 'The knock sent on is the event the knocking server signed (its signature still verifies)'),
        JSON.stringify(pdu.event.signatures),
      );
    });

    it(`A local user's knock through the client API reaches the other servers in the room over /send [spec:client.knock,sync.room-members-see-knock] [v${v}]`, async () => {
      const { owner, roomId } = await knockRoomWithRemoteMember(v);
      const knocker = await env.newUser();
      const since = env.fake.mark();
      await knocker.knock(roomId, { reason: 'let me in' });
      await waitForMembership(owner, roomId, knocker.userId, 'knock');
      const pdu = await env.fake
        .waitForPdu(
          (p) => p.via === 'send' && p.roomId === roomId && p.event.type === 'm.room.member' && p.event.state_key === knocker.userId,
          { timeoutMs: WAIT_MS, since },
        )
        .catch(() => undefined);
      must.ok(
        pdu,
        spec('send_knock.sent-to-room', 'A local knock MUST be sent to the other servers in the room'),
        `no knock of ${knocker.userId} reached ${env.fake.serverName}`,
      );
      must.equal(
        (pdu.event.content as Record<string, unknown>).membership,
        'knock',
        spec('membership.knock', 'The knock sent to other servers has membership knock'),
      );
      should.equal(
        (pdu.event.content as Record<string, unknown>).reason,
        'let me in',
        spec('client.knock-reason', 'The knock sent to other servers keeps the reason of the knock request'),
      );
      must.ok(
        pdu.accepted,
        spec(
          'pdu-checks.auth-events',
          'The knock sent to other servers is signed, hashed and passes the knock auth rules at the receiving server',
        ),
        pdu.rejection,
      );
    });
  }
});
