/**
 * send_knock with the HSUT as the resident server: the fake server completes a make_knock template (or builds a
 * broken event on purpose) and PUTs it to /_matrix/federation/v1/send_knock. An accepted knock must answer
 * knock_room_state and become room state the members see; every refused one must leave room state as it was.
 */
import { randomBytes } from 'node:crypto';
import type { CSClient, ClientEvent } from '../harness/clients/cs-client';
import type { RawResponse } from '../harness/clients/federation-client';
import { eventId as computeEventId, generateSigningKey, getRoomVersion, signEvent, versionsWhere } from '../harness/core';
import { knockOn, makeKnock, makeLeave, sendKnock, type FakeServer, type Pdu } from '../harness/fake-server';
import { match, must, should } from '../harness/match';
import {
  createHsutRoom,
  KNOCK_VERSIONS,
  memberEventOf,
  membershipOf,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  waitForMembership,
  WAIT_MS,
  type HsutRoomOptions,
  unique,
} from '../harness/testkit';

const enc = encodeURIComponent;
const ALL_VERSIONS = versionsWhere(() => true);
const STRIPPED_KEYS = ['content', 'sender', 'state_key', 'type'];
/** State that identifies the room to a would-be member (client-server spec, "Stripped state"). */
const IDENTIFYING_TYPES = ['m.room.name', 'm.room.topic', 'm.room.avatar', 'm.room.canonical_alias', 'm.room.encryption'];
/** State a knocking user must not learn from knock_room_state: who is in the room and who holds power. */
const PRIVATE_TYPES = ['m.room.member', 'm.room.power_levels', 'm.room.history_visibility'];

function knockRoom(owner: CSClient, roomVersion: string, options: Partial<HsutRoomOptions> = {}): Promise<string> {
  return createHsutRoom(owner, { roomVersion, joinRule: 'knock', name: `send_knock v${roomVersion}`, ...options });
}

async function mustHaveMembership(owner: CSClient, roomId: string, userId: string, expected: string | undefined, rule: string): Promise<void> {
  const seen = await membershipOf(owner, roomId, userId);
  must.equal(seen ?? 'none', expected ?? 'none', `${rule} (membership of ${userId} as the room owner sees it)`);
}

/** A make_* template from the HSUT (the call must succeed: it is the test's setup, not what is tested). */
async function template(fake: FakeServer, kind: 'knock' | 'join' | 'leave', roomId: string, userId: string, destination?: string): Promise<{ event: Pdu; roomVersion: string }> {
  let res: RawResponse;
  if (kind === 'knock') res = await makeKnock(fake, roomId, userId, { ver: ALL_VERSIONS, destination });
  else if (kind === 'leave') res = await makeLeave(fake, roomId, userId, destination);
  else {
    res = await fake.request({
      destination,
      method: 'GET',
      path: `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(userId)}`,
      query: { ver: ALL_VERSIONS },
    });
  }
  must.ok(res.status === 200, `setup: make_${kind} for ${userId} must succeed`, `got ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { event: Pdu; room_version: string };
  return { event: body.event, roomVersion: body.room_version };
}

/** Completes a template as the fake server, with content merged in and top-level overrides (undefined deletes). */
function complete(fake: FakeServer, t: { event: Pdu; roomVersion: string }, content: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  return fake.completeTemplate({ ...t.event, content: { ...t.event.content, ...content } }, t.roomVersion, overrides);
}

/**
 * A refusal: MUST be a 4xx (never 2xx, never 5xx); the exact status/errcode the spec leaves open is a SHOULD.
 */
function mustRefuse(res: RawResponse, rule: string, preferred: { status: number[]; errcodes: string[]; why: string }): void {
  must.ok(res.status >= 400 && res.status < 500, rule, `want a 4xx refusal, got ${res.status} ${JSON.stringify(res.body)}`);
  should.ok(
    preferred.status.includes(res.status) && preferred.errcodes.includes(res.errcode ?? ''),
    `${preferred.why} SHOULD be answered ${preferred.status.join(' or ')} with ${preferred.errcodes.join(' or ')}`,
    `got ${res.status} ${res.errcode ?? 'no errcode'}`,
  );
}

const MALFORMED = { status: [400, 403], errcodes: ['M_BAD_JSON', 'M_INVALID_PARAM', 'M_FORBIDDEN'], why: 'An event that is not a knock' };

function strippedEntries(res: RawResponse): Array<Record<string, unknown>> {
  const state = (res.body as { knock_room_state?: unknown }).knock_room_state;
  return Array.isArray(state) ? (state as Array<Record<string, unknown>>) : [];
}

describe('send_knock: the HSUT as resident server accepts knocks through inbound send_knock and refuses anything else', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  it('send_knock for a room the HSUT does not know is refused with 404 M_NOT_FOUND [spec:send_knock.unknown-room]', async () => {
    const owner = await env.newUser();
    const roomId = await knockRoom(owner, '10');
    const user = env.fake.userId(unique('knocker'));
    const t = await template(env.fake, 'knock', roomId, user);
    const unknownRoom = `!${unique('nowhere')}:${env.hs.serverName}`;
    const { event, eventId } = complete(env.fake, t, {}, { room_id: unknownRoom });
    const res = await sendKnock(env.fake, unknownRoom, eventId, event);
    must.ok(res.status >= 400 && res.status < 500, 'send_knock MUST refuse a knock into a room the resident server does not know', `got ${res.status} ${JSON.stringify(res.body)}`);
    should.matchResponse(res, { status: 404, errcode: 'M_NOT_FOUND' }, 'send_knock for an unknown room SHOULD answer 404 M_NOT_FOUND');
    await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
  });

  for (const v of KNOCK_VERSIONS) {
    const version = getRoomVersion(v);

    it(`send_knock accepts a knock and answers knock_room_state with the create event, join rules and the room's identifying state in stripped form, and nothing private [spec:send_knock.accepted] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v, {
        name: `Knock here v${v}`,
        topic: `topic of v${v}`,
        avatarUrl: 'mxc://example.org/knockknock-avatar',
        aliasLocalpart: unique(`kk-v${v}`),
        encrypted: true,
      });
      const user = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, user, { ver: ALL_VERSIONS, content: { reason: 'stripped state please' } });
      must.matchResponse(knock.make, { status: 200 }, 'setup: make_knock for a fake user in a knock room must succeed');
      must.matchResponse(knock.send!, { status: 200, body: [match.jsonKeyTypeOf('knock_room_state', 'array')] }, 'send_knock MUST answer 200 with a knock_room_state array when it accepts the knock');

      const entries = strippedEntries(knock.send!);
      const realState = await owner.state(roomId);
      const real = (type: string): ClientEvent | undefined => realState.find((e) => e.type === type && e.state_key === '');
      const entry = (type: string) => entries.find((e) => e.type === type && e.state_key === '');

      for (const type of ['m.room.create', 'm.room.join_rules']) {
        must.ok(
          entry(type) !== undefined,
          `knock_room_state MUST include the room's ${type} event (stripped state: m.room.create is required since v1.16; the join rules tell the knocker the room takes knocks)`,
          `types present: ${JSON.stringify(entries.map((e) => e.type))}`,
        );
      }
      for (const type of IDENTIFYING_TYPES) {
        if (!real(type)) continue;
        should.ok(entry(type) !== undefined, `knock_room_state SHOULD include ${type} when the room has it (stripped state recommendation)`, `types present: ${JSON.stringify(entries.map((e) => e.type))}`);
      }
      for (const e of entries) {
        const fullPduAllowed = version.roomIdFromCreateHash; // MSC4311: stripped state over federation may be full PDUs in v12+
        must.matchJson(
          e,
          [match.jsonKeyTypeOf('type', 'string'), match.jsonKeyTypeOf('state_key', 'string'), match.jsonKeyTypeOf('sender', 'string'), match.jsonKeyTypeOf('content', 'object')],
          'Every knock_room_state entry MUST be a stripped state event with type, state_key, sender and content',
        );
        if (!fullPduAllowed) {
          must.equal(Object.keys(e).sort(), STRIPPED_KEYS, `knock_room_state entry ${String(e.type)} MUST be in stripped form: only type, state_key, content and sender`);
        }
        const original = realState.find((r) => r.type === e.type && r.state_key === e.state_key);
        must.ok(original !== undefined, `knock_room_state entry ${String(e.type)}/${String(e.state_key)} MUST be current room state`, 'the room has no such state event');
        must.equal(e.content, original.content, `knock_room_state entry ${String(e.type)} MUST carry the content of the room's current state event`);
        must.equal(e.sender, original.sender, `knock_room_state entry ${String(e.type)} MUST carry the sender of the room's current state event`);
      }
      const leaked = entries.filter((e) => PRIVATE_TYPES.includes(String(e.type)) && !(e.type === 'm.room.member' && e.state_key === user));
      must.equal(
        leaked.map((e) => `${String(e.type)}/${String(e.state_key)}`),
        [],
        'knock_room_state MUST NOT disclose state a non-member may not see (other members, power levels, history visibility): it is limited to stripped state identifying the room',
      );
    });

    it(`A knock accepted through send_knock is room state with its reason and appears in a member's /sync timeline [spec:send_knock.persisted,sync.room-members-see-knock,membership.knock-reason] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const { since } = await owner.syncUntil((b) => Boolean(b.rooms?.join?.[roomId]), { timeoutMs: WAIT_MS });
      const user = env.fake.userId(unique('knocker'));
      const reason = `please let me in (v${v})`;
      const knock = await knockOn(env.fake, roomId, user, { ver: ALL_VERSIONS, content: { reason } });
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, 'send_knock MUST accept a well-formed knock in a knock room');
      await waitForMembership(owner, roomId, user, 'knock');
      const member = await memberEventOf(owner, roomId, user);
      must.matchJson(
        member,
        [match.jsonKeyEqual('content.membership', 'knock'), match.jsonKeyEqual('sender', user), match.jsonKeyEqual('event_id', knock.eventId)],
        'The knock accepted by send_knock MUST be the member event in current state (same event ID, sender the knocker)',
      );
      should.matchJson(member, [match.jsonKeyEqual('content.reason', reason)], 'The knock SHOULD keep its reason');
      await owner.syncUntil(
        (b) => (b.rooms?.join?.[roomId]?.timeline?.events ?? []).some((e) => e.event_id === knock.eventId && e.content?.membership === 'knock'),
        { since, timeoutMs: WAIT_MS },
      );
    });

    it(`send_knock refuses a message event and the message does not enter the room [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomId, user);
      const { event, eventId } = complete(env.fake, { ...t, event: { ...t.event, content: {} } }, { msgtype: 'm.text', body: 'not a knock' }, { type: 'm.room.message', state_key: undefined });
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustRefuse(res, 'send_knock MUST refuse an event that is not an m.room.member knock (here: m.room.message)', MALFORMED);
      const fetched = await owner.do('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`);
      must.equal(fetched.status, 404, 'A message refused by send_knock MUST NOT become an event of the room');
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock refuses a member event without a state_key [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomId, user);
      const { event, eventId } = complete(env.fake, t, {}, { state_key: undefined });
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustRefuse(res, 'send_knock MUST refuse an m.room.member event that is not a state event (no state_key)', MALFORMED);
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock refuses a join event even from an invited user who could join, and the user stays invited [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('invitee'));
      await owner.invite(roomId, user);
      await waitForMembership(owner, roomId, user, 'invite');
      const t = await template(env.fake, 'join', roomId, user);
      const { event, eventId } = complete(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustRefuse(res, 'send_knock MUST refuse a member event whose membership is not knock (here: join, which send_join exists for)', MALFORMED);
      await mustHaveMembership(owner, roomId, user, 'invite', 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock refuses a leave event from a knocking user, and the knock stays [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, 'setup: the fake user knocks');
      await waitForMembership(owner, roomId, user, 'knock');
      const t = await template(env.fake, 'leave', roomId, user);
      const { event, eventId } = complete(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustRefuse(res, 'send_knock MUST refuse a member event whose membership is not knock (here: leave, which send_leave exists for)', MALFORMED);
      await mustHaveMembership(owner, roomId, user, 'knock', 'A refused send_knock MUST NOT change room state');
    });

    for (const membership of ['invite', 'ban']) {
      it(`send_knock refuses a member event with membership ${membership} [spec:send_knock.forbidden] [v${v}]`, async () => {
        const owner = await env.newUser();
        const roomId = await knockRoom(owner, v);
        const user = env.fake.userId(unique('knocker'));
        const t = await template(env.fake, 'knock', roomId, user);
        const { event, eventId } = complete(env.fake, t, { membership });
        const res = await sendKnock(env.fake, roomId, eventId, event);
        mustRefuse(res, `send_knock MUST refuse a member event whose membership is not knock (here: ${membership})`, MALFORMED);
        await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
      });
    }

    it(`send_knock refuses a knock whose state_key is not its sender [spec:send_knock.forbidden,auth-rules.knock.sender-not-state-key] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const sender = env.fake.userId(unique('knocker'));
      const target = env.fake.userId(unique('target'));
      const t = await template(env.fake, 'knock', roomId, sender);
      const { event, eventId } = complete(env.fake, t, {}, { state_key: target });
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustRefuse(res, 'send_knock MUST refuse a knock whose state_key differs from its sender (knock auth rule: sender must match state_key)', {
        status: [400, 403],
        errcodes: ['M_BAD_JSON', 'M_INVALID_PARAM', 'M_FORBIDDEN'],
        why: 'A knock for another user',
      });
      await mustHaveMembership(owner, roomId, target, undefined, 'A refused send_knock MUST NOT change room state');
      await mustHaveMembership(owner, roomId, sender, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock answers 403 M_FORBIDDEN to a knock of a user on another server than the requesting one, even with a valid signature [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const other = await env.startOtherFakeServer();
      const user = other.userId(unique('elsewhere'));
      const t = await template(other, 'knock', roomId, user);
      const { event, eventId } = complete(other, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'send_knock MUST answer 403 M_FORBIDDEN when the knocking user is not on the requesting (origin) server');
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock refuses a knock whose room_id differs from the room in the path, and neither room gets the knock [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomA = await knockRoom(owner, v, { name: 'room in the event' });
      const roomB = await knockRoom(owner, v, { name: 'room in the path' });
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomA, user);
      const { event, eventId } = complete(env.fake, t);
      const res = await sendKnock(env.fake, roomB, eventId, event);
      mustRefuse(res, 'send_knock MUST refuse an event whose room_id is not the room of the request path', {
        status: [400, 403],
        errcodes: ['M_BAD_JSON', 'M_INVALID_PARAM', 'M_FORBIDDEN'],
        why: 'A room_id mismatch',
      });
      await mustHaveMembership(owner, roomA, user, undefined, 'A refused send_knock MUST NOT change the state of the room named in the event');
      await mustHaveMembership(owner, roomB, user, undefined, 'A refused send_knock MUST NOT change the state of the room named in the path');
    });

    it(`send_knock with an event ID in the path that is not the event's never files the knock under that ID [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomId, user);
      const { event, eventId } = complete(env.fake, t);
      const wrongId = version.eventIdFormat === 'v1' ? `$${unique('wrong')}:${env.fake.serverName}` : `$${randomBytes(32).toString('base64url')}`;
      const res = await sendKnock(env.fake, roomId, wrongId, event);
      must.ok(res.status < 500, 'send_knock MUST NOT fail with a server error on an event ID mismatch', `got ${res.status} ${JSON.stringify(res.body)}`);
      should.ok(res.status >= 400 && res.status < 500, 'send_knock SHOULD refuse a request whose path event ID is not the ID of the event in the body', `got ${res.status}`);
      if (res.status === 200) {
        const member = await memberEventOf(owner, roomId, user);
        must.equal(member?.event_id, eventId, "An accepted knock MUST be known under its own event ID (the reference hash), not the request path's");
      } else {
        await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
      }
    });

    it(`send_knock refuses an unsigned knock event [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomId, user);
      const { event, eventId } = complete(env.fake, t);
      delete event.signatures;
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustRefuse(res, "send_knock MUST refuse a knock event that does not carry the knocking server's signature", {
        status: [400, 403],
        errcodes: ['M_FORBIDDEN', 'M_BAD_JSON', 'M_INVALID_PARAM', 'M_UNAUTHORIZED'],
        why: 'An unsigned event',
      });
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock refuses a knock event signed with a key that is not the knocking server's [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomId, user);
      const { event } = complete(env.fake, t);
      const { signatures: _signatures, hashes: _hashes, ...bare } = event;
      const wrongKey = generateSigningKey(env.fake.key.keyId);
      const forged = signEvent(bare, version, env.fake.serverName, wrongKey.keyId, wrongKey.seed) as Pdu;
      const res = await sendKnock(env.fake, roomId, computeEventId(forged, version), forged);
      mustRefuse(res, "send_knock MUST refuse a knock event whose signature does not verify with the knocking server's key", {
        status: [400, 403],
        errcodes: ['M_FORBIDDEN', 'M_BAD_JSON', 'M_INVALID_PARAM', 'M_UNAUTHORIZED'],
        why: 'A badly signed event',
      });
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`A knock sent after the join rule stopped being knock never enters the room state (and SHOULD be answered 403 M_FORBIDDEN) [spec:send_knock.forbidden,auth-rules.knock.join-rule-not-knock] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('late'));
      const t = await template(env.fake, 'knock', roomId, user);
      await owner.sendState(roomId, 'm.room.join_rules', '', { join_rule: 'invite' });
      const { event, eventId } = complete(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      must.ok(res.status < 500, 'send_knock MUST NOT fail with a server error on a knock the current join rule forbids', `got ${res.status} ${JSON.stringify(res.body)}`);
      // The event passes auth against its auth_events and the state before it (the template predates the change),
      // so the spec's PDU checks soft-fail it against current state rather than reject it: the knock must never
      // take effect, while answering 403 is the better (SHOULD) answer.
      await mustHaveMembership(owner, roomId, user, undefined, 'A knock that fails the auth rules against current state (join rule invite) MUST NOT become current room state');
      should.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'send_knock SHOULD answer 403 M_FORBIDDEN when the room is no longer set up for receiving knocks');
    });

    it(`send_knock answers 403 M_FORBIDDEN when the room's server ACL denies the requesting server [spec:send_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('denied'));
      const t = await template(env.fake, 'knock', roomId, user);
      const fakeHost = env.fake.serverName.slice(0, env.fake.serverName.lastIndexOf(':'));
      await owner.sendState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [fakeHost], allow_ip_literals: true });
      const { event, eventId } = complete(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, "send_knock MUST answer 403 M_FORBIDDEN when the room's m.room.server_acl denies the requesting server");
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });

    it(`send_knock without a valid X-Matrix signature answers 401 M_UNAUTHORIZED [spec:send_knock.requires-auth] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const t = await template(env.fake, 'knock', roomId, user);
      const { event, eventId } = complete(env.fake, t);
      const path = `/_matrix/federation/v1/send_knock/${enc(roomId)}/${enc(eventId)}`;
      const unsigned = await env.fake.request({ method: 'PUT', path, body: event, sign: false });
      must.matchResponse(unsigned, { status: 401, errcode: 'M_UNAUTHORIZED' }, 'send_knock MUST answer 401 M_UNAUTHORIZED to a request without X-Matrix authorization');
      const forged = await env.fake.request({ method: 'PUT', path, body: event, keyOverride: generateSigningKey(env.fake.key.keyId) });
      must.matchResponse(forged, { status: 401, errcode: 'M_UNAUTHORIZED' }, "send_knock MUST answer 401 M_UNAUTHORIZED to a request whose X-Matrix signature does not verify with the origin's key");
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused send_knock MUST NOT change room state');
    });
  }
});
