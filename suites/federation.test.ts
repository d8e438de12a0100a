/**
 * The fake homeserver is a federation peer the HSUT accepts: joins in both directions, events both ways over
 * /send with verified signatures, X-Matrix enforced on both sides, and no request left unanswered silently.
 */
import { TEST_TIMEOUT_MS, WAIT_MS } from '../harness/testkit';
import { expect } from 'chai';
import { currentHomeserver } from '../harness/deploy/current';
import type { StartedHomeserver } from '../harness/deploy/types';
import { CSClient, type SyncBody } from '../harness/clients/cs-client';
import { generateSigningKey } from '../harness/core';
import { handleKeyRequests, standardHandlers, startFakeServer, type FakeServer } from '../harness/fake-server';

const ROOM_VERSIONS = ['7', '12'];

async function newClient(hs: StartedHomeserver): Promise<CSClient> {
  const user = await hs.registerUser();
  return new CSClient({ baseUrl: hs.clientUrl, accessToken: user.accessToken, userId: user.userId, deviceId: user.deviceId });
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
    expect(unexpected.map((r) => `${r.method} ${r.uri} from ${r.origin ?? r.authError}`), 'requests no handler took').to.deep.equal([]);
  });

  for (const roomVersion of ROOM_VERSIONS) {
    it(`An HSUT user joins a room the fake server hosts, sees the fake's message in /sync, and the fake receives the reply through /send [spec:federation.joins] [v${roomVersion}]`, async () => {
      const client = await newClient(hs);
      const host = fake.userId(`host-v${roomVersion}`);
      const room = fake.createRoom({ roomVersion, creator: host, joinRule: 'public', name: `fake room v${roomVersion}` });

      const joined = await client.join(room.roomId, { via: [fake.serverName] });
      expect(joined.room_id).to.equal(room.roomId);
      const joinPdu = await fake.waitForPdu((p) => p.via === 'send_join' && p.roomId === room.roomId, { timeoutMs: WAIT_MS });
      expect(joinPdu.accepted, joinPdu.rejection).to.equal(true);
      expect(joinPdu.signatureVerified).to.equal(true);
      expect(room.membership(client.userId!)).to.equal('join');

      const message = await fake.sendMessage(room, host, `hello from the fake server (v${roomVersion})`);
      expect(message.responses[hs.serverName]?.status).to.equal(200);
      await client.syncUntil((body) => timelineEventIds(body, room.roomId).includes(message.eventId), { timeoutMs: WAIT_MS });

      const since = fake.mark();
      const reply = await client.sendMessage(room.roomId, 'hello back from the HSUT');
      const replyPdu = await fake.waitForPdu((p) => p.via === 'send' && p.eventId === reply.event_id, { timeoutMs: WAIT_MS, since });
      expect(replyPdu.accepted, replyPdu.rejection).to.equal(true);
      expect(replyPdu.signatureVerified).to.equal(true);
      expect(replyPdu.origin).to.equal(hs.serverName);
      expect(room.event(reply.event_id)?.content.body).to.equal('hello back from the HSUT');
    });

    it(`An HSUT user knocks on a room the fake server hosts; the fake answers make_knock/send_knock and /sync shows the knock with its stripped state [spec:federation.knock] [v${roomVersion}]`, async () => {
      const client = await newClient(hs);
      const host = fake.userId(`door-v${roomVersion}`);
      const room = fake.createRoom({ roomVersion, creator: host, joinRule: 'knock', name: `knock here v${roomVersion}` });

      await client.knock(room.roomId, { via: [fake.serverName], reason: 'let me in' });
      const knock = await fake.waitForPdu((p) => p.via === 'send_knock' && p.roomId === room.roomId, { timeoutMs: WAIT_MS });
      expect(knock.accepted, knock.rejection).to.equal(true);
      expect(knock.event.content).to.deep.include({ membership: 'knock', reason: 'let me in' });
      expect(room.membership(client.userId!)).to.equal('knock');
      const { body } = await client.syncUntil((b) => b.rooms?.knock?.[room.roomId] !== undefined, { timeoutMs: WAIT_MS });
      const knockState = body.rooms!.knock![room.roomId]!.knock_state!.events;
      expect(knockState.map((e) => e.type)).to.include.members(['m.room.create', 'm.room.join_rules', 'm.room.name']);
    });

    it(`The fake server invites an HSUT user (invite v2); the HSUT countersigns, /sync shows the invite, and the user's join reaches the fake [spec:federation.invite] [v${roomVersion}]`, async () => {
      const client = await newClient(hs);
      const host = fake.userId(`inviter-v${roomVersion}`);
      const room = fake.createRoom({ roomVersion, creator: host, joinRule: 'invite', topic: 'invite only' });

      const invite = await fake.inviteRemoteUser(room, { sender: host, userId: client.userId! });
      expect(invite.response.status, JSON.stringify(invite.response.body)).to.equal(200);
      expect(Object.keys(invite.event.signatures ?? {})).to.have.members([fake.serverName, hs.serverName]);
      expect(room.membership(client.userId!)).to.equal('invite');
      await client.syncUntil((b) => b.rooms?.invite?.[room.roomId] !== undefined, { timeoutMs: WAIT_MS });

      await client.join(room.roomId, { via: [fake.serverName] });
      const join = await fake.waitForPdu((p) => p.via === 'send_join' && p.roomId === room.roomId, { timeoutMs: WAIT_MS });
      expect(join.accepted, join.rejection).to.equal(true);
      expect(room.membership(client.userId!)).to.equal('join');
    });

    it(`The fake server's user joins an HSUT room through make_join/send_join and receives its new events through /send with verified signatures [spec:federation.joins] [v${roomVersion}]`, async () => {
      const client = await newClient(hs);
      const { room_id: roomId } = await client.createRoom({ room_version: roomVersion, preset: 'public_chat', name: `HSUT room v${roomVersion}` });

      const visitor = fake.userId(`visitor-v${roomVersion}`);
      const join = await fake.joinRemoteRoom({ roomId, userId: visitor });
      expect(join.room.version.id).to.equal(roomVersion);
      expect(join.unverifiedEvents, 'state/auth_chain events whose HSUT signature did not verify').to.deep.equal([]);
      expect(join.room.currentStateEvent('m.room.create')).to.not.equal(undefined);
      await client.syncUntil(
        (body) => (body.rooms?.join?.[roomId]?.timeline?.events ?? []).some((e) => e.type === 'm.room.member' && e.state_key === visitor),
        { timeoutMs: WAIT_MS },
      );

      const since = fake.mark();
      const sent = await client.sendMessage(roomId, 'news for the fake server');
      const pdu = await fake.waitForPdu((p) => p.via === 'send' && p.eventId === sent.event_id, { timeoutMs: WAIT_MS, since });
      expect(pdu.signatureVerified).to.equal(true);
      expect(pdu.accepted, pdu.rejection).to.equal(true);
      expect(join.room.event(sent.event_id)?.content.body).to.equal('news for the fake server');
    });
  }

  it('A federation request to the HSUT signed with a wrong key is refused with 401 M_UNAUTHORIZED [spec:federation.request-auth]', async () => {
    const client = await newClient(hs);
    const query = { user_id: client.userId! };
    const path = '/_matrix/federation/v1/query/profile';

    const genuine = await fake.request({ method: 'GET', path, query });
    expect(genuine.status, JSON.stringify(genuine.body)).to.equal(200);

    const forged = await fake.request({ method: 'GET', path, query, keyOverride: generateSigningKey(fake.key.keyId) });
    expect(forged.status, JSON.stringify(forged.body)).to.equal(401);
    expect(forged.errcode).to.equal('M_UNAUTHORIZED');

    const unsigned = await fake.request({ method: 'GET', path, query, sign: false });
    expect(unsigned.status, JSON.stringify(unsigned.body)).to.equal(401);
    expect(unsigned.errcode).to.equal('M_UNAUTHORIZED');
  });

  it('A federation request to the fake server signed with a wrong key is refused with 401 M_UNAUTHORIZED and recorded [spec:federation.request-auth]', async () => {
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
      const client = await newClient(hs);
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
