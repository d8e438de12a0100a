/**
 * The fake homeserver is a federation peer the HSUT accepts: joins in both directions, events both ways over
 * /send with verified signatures, X-Matrix enforced on both sides, and no request left unanswered silently.
 * What the HSUT does is checked with must/should against the federation clauses; what only the fake server does
 * (its own X-Matrix check, its unexpected-request bookkeeping) stays a harness check.
 */
import { newUserClient, TEST_TIMEOUT_MS, WAIT_MS } from '../harness/testkit';
import { expect } from 'chai';
import { currentHomeserver } from '../harness/deploy/current';
import type { StartedHomeserver } from '../harness/deploy/types';
import { SyncTimeoutError, type SyncBody } from '../harness/clients/cs-client';
import { generateSigningKey } from '../harness/core';
import {
  handleKeyRequests,
  inviteRemoteUser,
  joinRemoteRoom,
  sendMessage,
  standardHandlers,
  startFakeServer,
  type FakeServer,
} from '../harness/fake-server';
import { must, setup, should, spec, type MustRule } from '../harness/match';
import { clauseClaimedAt, findSpecClause } from '../harness/report/spec-clauses';
import { judgedSpecVersion } from '../harness/core/spec-versions';

const ROOM_VERSIONS = ['7', '12'];

/** Awaits what the HSUT is to do; a wait that runs out is the HSUT not doing it (a MUST of `rule`). */
async function mustComplete<T>(rule: MustRule, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (error instanceof SyncTimeoutError || /waited \d+ ms|timed out/.test(message)) must.fail(rule, message);
    throw error;
  }
}

function timelineEventIds(body: SyncBody, roomId: string): string[] {
  return (body.rooms?.join?.[roomId]?.timeline?.events ?? []).map((e) => e.event_id ?? '');
}

describe('The fake homeserver federates with the homeserver under test', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let hs: StartedHomeserver;
  let fake: FakeServer;

  before(async () => {
    hs = currentHomeserver();
    fake = await startFakeServer({ hsut: hs, handlers: standardHandlers() });
  });

  after(async () => {
    await fake?.close();
  });

  // Complement's UnexpectedRequestsAreErrors: a request the shared fake server had no handler for fails the test.
  let testStart = 0;
  beforeEach(() => {
    testStart = fake.mark();
  });
  afterEach(() => {
    const unexpected = fake.unexpectedRequests().filter((r) => r.seq >= testStart);
    expect(
      unexpected.map((r) => `${r.method} ${r.uri} from ${r.origin ?? r.authError}`),
      'requests no handler took',
    ).to.deep.equal([]);
  });

  for (const roomVersion of ROOM_VERSIONS) {
    it(`An HSUT user joins a room the fake server hosts, sees the fake's message in /sync, and the fake receives the reply through /send [spec:federation.joins] [v${roomVersion}]`, async () => {
      const rule = (text: string) => spec('federation.joins', text);
      const client = await newUserClient(hs);
      const host = fake.userId(`host-v${roomVersion}`);
      const room = fake.createRoom({ roomVersion, creator: host, joinRule: 'public', name: `fake room v${roomVersion}` });

      const joined = await client.join(room.roomId, { via: [fake.serverName] });
      must.equal(joined.room_id, room.roomId, rule('POST /join through the fake server MUST answer the joined room ID'));
      const joinPdu = await mustComplete(
        rule('The HSUT MUST complete the join with send_join to the fake server'),
        fake.waitForPdu((p) => p.via === 'send_join' && p.roomId === room.roomId, { timeoutMs: WAIT_MS }),
      );
      must.ok(joinPdu.accepted, rule("The HSUT's join event MUST pass the fake server's PDU checks and auth rules"), joinPdu.rejection);
      must.ok(joinPdu.signatureVerified, rule("The HSUT's join event MUST carry a signature that verifies with the HSUT's key"));
      must.equal(room.membership(client.userId), 'join', rule('After send_join the HSUT user MUST be joined to the fake room'));

      const message = await sendMessage(fake, room, host, `hello from the fake server (v${roomVersion})`);
      must.equal(message.responses[hs.serverName]?.status, 200, rule("The HSUT MUST answer the fake server's /send transaction with 200"));
      await mustComplete(
        rule("The fake server's message MUST reach the joined HSUT user's /sync timeline"),
        client.syncUntil((body) => timelineEventIds(body, room.roomId).includes(message.eventId), { timeoutMs: WAIT_MS }),
      );

      const since = fake.mark();
      const reply = await client.sendMessage(room.roomId, 'hello back from the HSUT');
      const replyPdu = await mustComplete(
        rule("The HSUT MUST send its user's reply to the fake server through /send"),
        fake.waitForPdu((p) => p.via === 'send' && p.eventId === reply.event_id, { timeoutMs: WAIT_MS, since }),
      );
      must.ok(replyPdu.accepted, rule("The HSUT's reply MUST pass the fake server's PDU checks and auth rules"), replyPdu.rejection);
      must.ok(replyPdu.signatureVerified, rule("The HSUT's reply MUST carry a signature that verifies with the HSUT's key"));
      must.equal(replyPdu.origin, hs.serverName, rule('The /send transaction carrying the reply MUST come from the HSUT'));
      must.equal(room.event(reply.event_id)?.content.body, 'hello back from the HSUT', rule('The reply MUST arrive with its content'));
    });

    it(`An HSUT user knocks on a room the fake server hosts; the fake answers make_knock/send_knock and /sync shows the knock with its stripped state [spec:federation.knock,sync.knock-section] [v${roomVersion}]`, async () => {
      const rule = (text: string) => spec('federation.knock', text);
      const client = await newUserClient(hs);
      const host = fake.userId(`door-v${roomVersion}`);
      const room = fake.createRoom({ roomVersion, creator: host, joinRule: 'knock', name: `knock here v${roomVersion}` });

      await client.knock(room.roomId, { via: [fake.serverName], reason: 'let me in' });
      const knock = await mustComplete(
        rule('The HSUT MUST send the knock to the fake server with send_knock'),
        fake.waitForPdu((p) => p.via === 'send_knock' && p.roomId === room.roomId, { timeoutMs: WAIT_MS }),
      );
      must.ok(knock.accepted, rule("The HSUT's knock MUST pass the fake server's PDU checks and auth rules"), knock.rejection);
      const knockContent = (knock.event.content ?? {}) as Record<string, unknown>;
      must.equal(knockContent.membership, 'knock', rule('The event sent through send_knock MUST be a knock'));
      should.equal(
        knockContent.reason,
        'let me in',
        spec('client.knock-reason', 'The reason of the knock request SHOULD be the reason of the knock event'),
      );
      must.equal(room.membership(client.userId), 'knock', rule('After send_knock the HSUT user MUST be knocking on the fake room'));
      const { body } = await mustComplete(
        spec('sync.knock-section', '/sync MUST list the knocked room under rooms.knock'),
        client.syncUntil((b) => b.rooms?.knock?.[room.roomId] !== undefined, { timeoutMs: WAIT_MS }),
      );
      const types = (body.rooms!.knock![room.roomId]!.knock_state?.events ?? []).map((e) => e.type);
      const createRule = clauseClaimedAt(findSpecClause('sync.knock-state-create')!, judgedSpecVersion());
      if (createRule)
        must.ok(
          types.includes('m.room.create'),
          spec('sync.knock-state-create', "knock_state MUST contain the room's m.room.create event"),
          `types: ${JSON.stringify(types)}`,
        );
      for (const type of ['m.room.create', 'm.room.join_rules', 'm.room.name']) {
        should.ok(
          types.includes(type),
          spec('sync.knock-state-identifying', `knock_state SHOULD carry the room's ${type} (the fake server sent it in knock_room_state)`),
          `types: ${JSON.stringify(types)}`,
        );
      }
    });

    it(`The fake server invites an HSUT user (invite v2); the HSUT countersigns, /sync shows the invite, and the user's join reaches the fake [spec:federation.invite] [v${roomVersion}]`, async () => {
      const rule = (text: string) => spec('federation.invite', text);
      const client = await newUserClient(hs);
      const host = fake.userId(`inviter-v${roomVersion}`);
      const room = fake.createRoom({ roomVersion, creator: host, joinRule: 'invite', topic: 'invite only' });

      const invite = await inviteRemoteUser(fake, room, { sender: host, userId: client.userId });
      must.equal(invite.response.status, 200, rule('The HSUT MUST answer invite v2 with 200 and the countersigned event'));
      must.equal(
        Object.keys(invite.event.signatures ?? {}).sort(),
        [fake.serverName, hs.serverName].sort(),
        rule('The invite event MUST come back signed by the inviting and the invited server'),
      );
      must.equal(room.membership(client.userId), 'invite', rule('After invite v2 the HSUT user MUST be invited to the fake room'));
      await mustComplete(
        rule('/sync MUST show the invite under rooms.invite'),
        client.syncUntil((b) => b.rooms?.invite?.[room.roomId] !== undefined, { timeoutMs: WAIT_MS }),
      );

      await client.join(room.roomId, { via: [fake.serverName] });
      const join = await mustComplete(
        rule("The invited user's join MUST reach the fake server through send_join"),
        fake.waitForPdu((p) => p.via === 'send_join' && p.roomId === room.roomId, { timeoutMs: WAIT_MS }),
      );
      must.ok(join.accepted, rule("The invited user's join MUST pass the fake server's PDU checks and auth rules"), join.rejection);
      must.equal(room.membership(client.userId), 'join', rule('After the join the HSUT user MUST be joined to the fake room'));
    });

    it(`The fake server's user joins an HSUT room through make_join/send_join and receives its new events through /send with verified signatures [spec:federation.joins] [v${roomVersion}]`, async () => {
      const rule = (text: string) => spec('federation.joins', text);
      const client = await newUserClient(hs);
      const { room_id: roomId } = await client.createRoom({
        room_version: roomVersion,
        preset: 'public_chat',
        name: `HSUT room v${roomVersion}`,
      });

      const visitor = fake.userId(`visitor-v${roomVersion}`);
      const join = await joinRemoteRoom(fake, { roomId, userId: visitor });
      must.equal(join.room.version.id, roomVersion, rule("make_join MUST answer the room's version"));
      must.equal(
        join.unverifiedEvents,
        [],
        rule("Every state and auth_chain event of send_join MUST carry a signature of its sender's server that verifies"),
      );
      must.ok(
        join.room.currentStateEvent('m.room.create') !== undefined,
        rule("send_join's state MUST include the room's m.room.create event"),
      );
      await mustComplete(
        rule("The fake user's join MUST appear in the room's timeline for its HSUT members"),
        client.syncUntil(
          (body) => (body.rooms?.join?.[roomId]?.timeline?.events ?? []).some((e) => e.type === 'm.room.member' && e.state_key === visitor),
          { timeoutMs: WAIT_MS },
        ),
      );

      const since = fake.mark();
      const sent = await client.sendMessage(roomId, 'news for the fake server');
      const pdu = await mustComplete(
        rule("The HSUT MUST send the room's new event to the joined fake server through /send"),
        fake.waitForPdu((p) => p.via === 'send' && p.eventId === sent.event_id, { timeoutMs: WAIT_MS, since }),
      );
      must.ok(pdu.signatureVerified, rule("The event MUST carry a signature that verifies with the HSUT's key"));
      must.ok(pdu.accepted, rule("The event MUST pass the fake server's PDU checks and auth rules"), pdu.rejection);
      must.equal(join.room.event(sent.event_id)?.content.body, 'news for the fake server', rule('The event MUST arrive with its content'));
    });
  }

  it('A federation request to the HSUT signed with a wrong key or not at all is refused [spec:federation.request-auth]', async () => {
    const client = await newUserClient(hs);
    const query = { user_id: client.userId };
    const path = '/_matrix/federation/v1/query/profile';

    const genuine = await fake.request({ method: 'GET', path, query });
    must.equal(genuine.status, 200, setup('a genuinely signed profile query from the fake server is answered 200'));

    const forged = await fake.request({ method: 'GET', path, query, keyOverride: generateSigningKey(fake.key.keyId) });
    must.ok(
      forged.status >= 400,
      spec('federation.request-auth', "The HSUT MUST refuse a request whose X-Matrix signature does not verify with the origin's key"),
      `got ${forged.status} ${JSON.stringify(forged.body)}`,
    );
    should.matchResponse(
      forged,
      { status: 401, errcode: 'M_UNAUTHORIZED' },
      spec('federation.request-auth', 'A request with a wrong signature SHOULD be answered 401 M_UNAUTHORIZED'),
    );

    const unsigned = await fake.request({ method: 'GET', path, query, sign: false });
    must.ok(
      unsigned.status >= 400,
      spec('federation.request-auth', 'The HSUT MUST refuse a request without X-Matrix authorization'),
      `got ${unsigned.status} ${JSON.stringify(unsigned.body)}`,
    );
    should.matchResponse(
      unsigned,
      { status: 401, errcode: 'M_UNAUTHORIZED' },
      spec('federation.request-auth', 'A request without authorization SHOULD be answered 401 M_UNAUTHORIZED'),
    );
  });

  it('A federation request to the fake server signed with a wrong key is refused with 401 M_UNAUTHORIZED and recorded [harness]', async () => {
    const other = await startFakeServer({ handlers: standardHandlers() });
    try {
      const path = '/_matrix/federation/v1/query/profile';
      const query = { user_id: fake.userId('someone') };
      const genuine = await other.request({ destination: fake.serverName, method: 'GET', path, query });
      expect(genuine.status, JSON.stringify(genuine.body)).to.equal(200);

      const since = fake.mark();
      const forged = await other.request({
        destination: fake.serverName,
        method: 'GET',
        path,
        query,
        keyOverride: generateSigningKey(other.key.keyId),
      });
      expect(forged.status).to.equal(401);
      expect(forged.errcode).to.equal('M_UNAUTHORIZED');
      const record = await fake.waitFor((r) => r.kind === 'inbound' && r.status === 401, { timeoutMs: WAIT_MS, since });
      expect(record.kind === 'inbound' && record.authError).to.match(/does not verify/);
    } finally {
      await other.close();
    }
  });

  it('A request the fake server has no handler for is answered 404 M_UNRECOGNIZED and listed as unexpected [harness]', async () => {
    const bare = await startFakeServer({ hsut: hs, handlers: [handleKeyRequests()] });
    try {
      const client = await newUserClient(hs);
      const response = await client.do('GET', `/_matrix/client/v3/profile/${encodeURIComponent(bare.userId('nobody'))}`);
      expect(response.status).to.be.greaterThanOrEqual(400);
      const unexpected = await bare.waitFor((r) => r.kind === 'inbound' && r.unexpected, { timeoutMs: WAIT_MS });
      expect(unexpected.kind === 'inbound' && unexpected.path).to.equal('/_matrix/federation/v1/query/profile');
      expect(bare.unexpectedRequests().map((r) => r.path)).to.include('/_matrix/federation/v1/query/profile');
      expect(bare.unexpectedRequests()[0]?.origin).to.equal(hs.serverName);
    } finally {
      await bare.close();
    }
  });
});
