/**
 * send_knock with the HSUT as the resident server: the fake server completes a make_knock template (or builds a
 * broken event on purpose) and PUTs it to /_matrix/federation/v1/send_knock. An accepted knock must answer
 * knock_room_state and become room state the members see; every refused one must leave room state as it was.
 *
 * Levels, from knocks.yaml: an event failing the validation list (signature, type, membership, sender on the
 * origin, state_key = sender) MUST be refused, with 400 or 403 (the statuses whose definitions fit), and SHOULD
 * carry M_INVALID_PARAM ("A specific error code is not mandated"). knock_room_state is "a list of stripped state
 * events" before v1.16 (type, state_key, sender and content; other keys are not forbidden there, so only a SHOULD),
 * and since v1.16 "MUST contain the `m.room.create` event" with every entry "formatted according to the room
 * version". Which state it lists beyond that is a recommendation ("should contain some or all of").
 */
import { randomBytes } from 'node:crypto';
import { SyncTimeoutError, type ClientEvent } from '../harness/clients/cs-client';
import type { RawResponse } from '../harness/clients/federation-client';
import { eventId as computeEventId, generateSigningKey, getRoomVersion, signEvent, versionsWhere, type RoomVersion } from '../harness/core';
import { completeMembershipTemplate, knockOn, makeKnock, makeLeave, sendKnock, type FakeServer, type Pdu } from '../harness/fake-server';
import { match, must, setup, should, spec } from '../harness/match';
import { clauseClaimedAt, findSpecClause } from '../harness/report/spec-clauses';
import { judgedSpecVersion } from '../harness/core/spec-versions';
import {
  ConditionTimeoutError,
  createKnockRoom,
  hostOf,
  KNOCK_VERSIONS,
  memberEventOf,
  mustHaveMembership,
  mustRequireXMatrix,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  waitForMembership,
  WAIT_MS,
  unique,
} from '../harness/testkit';

const enc = encodeURIComponent;
const ALL_VERSIONS = versionsWhere(() => true);
const STRIPPED_KEYS = ['content', 'sender', 'state_key', 'type'];
/** State that identifies the room to a would-be member (client-server spec, "Stripped state"). */
const IDENTIFYING_TYPES = ['m.room.name', 'm.room.topic', 'm.room.avatar', 'm.room.canonical_alias', 'm.room.encryption'];
/** State a knocking user has no need to learn from knock_room_state: who is in the room and who holds power. */
const PRIVATE_TYPES = ['m.room.member', 'm.room.power_levels', 'm.room.history_visibility'];

/** A refused send_knock leaves room state as it was (the event was not accepted into the room's graph). */
const UNCHANGED = 'A refused send_knock MUST NOT change room state';

/** The suite's knock rooms are named `send_knock v<version>` unless a test names its own. */
const ROOM = { label: 'send_knock' } as const;

/** A make_* template from the HSUT; fails the test unless make_* answers 200 (setup, not what is tested). */
async function mustMakeTemplate(
  fake: FakeServer,
  kind: 'knock' | 'join' | 'leave',
  roomId: string,
  userId: string,
  destination?: string,
): Promise<{ event: Pdu; roomVersion: string }> {
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
  must.ok(res.status === 200, setup(`make_${kind} for ${userId} succeeds`), `got ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { event: Pdu; room_version: string };
  return { event: body.event, roomVersion: body.room_version };
}

/**
 * An event failing send_knock's validation list: refused with 400 or 403 (MUST: the statuses whose definitions
 * fit, "A specific error code is not mandated"), M_INVALID_PARAM as the SHOULD the same sentence names.
 */
function mustFailValidation(res: RawResponse, what: string): void {
  must.ok(
    res.status === 400 || res.status === 403,
    spec('send_knock.validation', `send_knock MUST refuse ${what} (400 the request is invalid, or 403 not permitted)`),
    `got ${res.status} ${JSON.stringify(res.body)}`,
  );
  should.equal(res.errcode, 'M_INVALID_PARAM', spec('send_knock.validation', `send_knock SHOULD answer M_INVALID_PARAM to ${what}`));
}

function knockRoomState(res: RawResponse): Array<Record<string, unknown>> {
  const state = (res.body as { knock_room_state?: unknown }).knock_room_state;
  return Array.isArray(state) ? (state as Array<Record<string, unknown>>) : [];
}

/** What keeps `entry` from being a PDU of `version` (the PDU schema of the room version spec). */
function pduFormatProblems(entry: Record<string, unknown>, version: RoomVersion): string[] {
  const problems: string[] = [];
  const isCreate = entry.type === 'm.room.create';
  const required = [
    'auth_events',
    'prev_events',
    'type',
    'state_key',
    'sender',
    'origin_server_ts',
    'content',
    'depth',
    'hashes',
    'signatures',
  ];
  if (version.eventIdFormat === 'v1') required.push('event_id');
  const roomIdOmitted = version.roomIdFromCreateHash && isCreate;
  if (!roomIdOmitted) required.push('room_id');
  const missing = required.filter((k) => !(k in entry));
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
  if (roomIdOmitted && 'room_id' in entry) problems.push(`the m.room.create event of a v${version.id} room has no room_id`);
  for (const k of ['auth_events', 'prev_events']) if (k in entry && !Array.isArray(entry[k])) problems.push(`${k} is not an array`);
  if ('depth' in entry && !Number.isInteger(entry.depth)) problems.push('depth is not an integer');
  if ('origin_server_ts' in entry && !Number.isInteger(entry.origin_server_ts)) problems.push('origin_server_ts is not an integer');
  const hashes = entry.hashes as { sha256?: unknown } | undefined;
  if ('hashes' in entry && typeof hashes?.sha256 !== 'string') problems.push('hashes.sha256 is not a string');
  if (
    'signatures' in entry &&
    (typeof entry.signatures !== 'object' || entry.signatures === null || Object.keys(entry.signatures).length === 0)
  )
    problems.push('signatures is empty');
  return problems;
}

describe('send_knock: the HSUT as resident server accepts knocks through inbound send_knock and refuses anything else', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  it('send_knock for a room the HSUT does not know is refused with 404 M_NOT_FOUND [spec:send_knock.unknown-room]', async () => {
    const owner = await env.roomOwner();
    const roomId = await createKnockRoom(owner, '10', ROOM);
    const user = env.fake.userId(unique('knocker'));
    const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
    const unknownRoom = `!${unique('nowhere')}:${env.hs.serverName}`;
    const { event, eventId } = completeMembershipTemplate(env.fake, t, { overrides: { room_id: unknownRoom } });
    const res = await sendKnock(env.fake, unknownRoom, eventId, event);
    must.matchResponse(
      res,
      { status: 404 },
      spec('send_knock.unknown-room', 'send_knock MUST answer 404 for a room the resident server does not know'),
    );
    should.matchResponse(
      res,
      { status: 404, errcode: 'M_NOT_FOUND' },
      spec('send_knock.unknown-room', 'send_knock for an unknown room SHOULD answer errcode M_NOT_FOUND (the example)'),
    );
    await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.unknown-room', UNCHANGED));
  });

  for (const v of KNOCK_VERSIONS) {
    const version = getRoomVersion(v);

    it(`send_knock accepts a knock and answers knock_room_state with the create event, join rules and the room's identifying state as the room's current state (stripped events before v1.16, PDUs of the room version since) [spec:send_knock.accepted,send_knock.knock-room-state.stripped,send_knock.knock-room-state.pdus,send_knock.knock-room-state.identifying] [v${v}]`, async () => {
      const pduForm = clauseClaimedAt(findSpecClause('send_knock.knock-room-state.pdus')!, judgedSpecVersion());
      const formatClause = pduForm ? 'send_knock.knock-room-state.pdus' : 'send_knock.knock-room-state.stripped';
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, {
        name: `Knock here v${v}`,
        topic: `topic of v${v}`,
        avatarUrl: 'mxc://example.org/knockknock-avatar',
        aliasLocalpart: unique(`kk-v${v}`),
        encrypted: true,
      });
      const user = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, user, { ver: ALL_VERSIONS, content: { reason: 'stripped state please' } });
      must.matchResponse(knock.make, { status: 200 }, setup('make_knock for a fake user in a knock room succeeds'));
      must.matchResponse(
        knock.send!,
        { status: 200, body: [match.jsonKeyTypeOf('knock_room_state', 'array')] },
        spec('send_knock.accepted', 'send_knock MUST answer 200 with a knock_room_state array (required) when it accepts the knock'),
      );

      const entries = knockRoomState(knock.send!);
      const realState = await owner.state(roomId);
      const real = (type: string): ClientEvent | undefined => realState.find((e) => e.type === type && e.state_key === '');
      const entry = (type: string) => entries.find((e) => e.type === type && e.state_key === '');
      const typesPresent = `types present: ${JSON.stringify(entries.map((e) => e.type))}`;

      if (pduForm) {
        must.ok(
          entry('m.room.create') !== undefined,
          spec('send_knock.knock-room-state.pdus', "knock_room_state MUST contain the room's m.room.create event"),
          typesPresent,
        );
      } else {
        should.ok(
          entry('m.room.create') !== undefined,
          spec('send_knock.knock-room-state.identifying', "knock_room_state SHOULD include the room's m.room.create event"),
          typesPresent,
        );
      }
      should.ok(
        entry('m.room.join_rules') !== undefined,
        spec('send_knock.knock-room-state.identifying', "knock_room_state SHOULD include the room's m.room.join_rules event"),
        typesPresent,
      );
      for (const type of IDENTIFYING_TYPES) {
        if (!real(type)) continue;
        should.ok(
          entry(type) !== undefined,
          spec('send_knock.knock-room-state.identifying', `knock_room_state SHOULD include ${type} when the room has it`),
          typesPresent,
        );
      }
      const extra = entries.filter((e) => PRIVATE_TYPES.includes(String(e.type)) && !(e.type === 'm.room.member' && e.state_key === user));
      should.equal(
        extra.map((e) => `${String(e.type)}/${String(e.state_key)}`),
        [],
        spec(
          'send_knock.knock-room-state.identifying',
          'knock_room_state SHOULD be limited to state identifying the room (other members, power levels and history visibility are permitted, not recommended)',
        ),
      );

      // The state the entries stand for: checked for every entry before the format, so a format deviation does
      // not hide a wrong state entry.
      for (const e of entries) {
        must.matchJson(
          e,
          [
            match.jsonKeyTypeOf('type', 'string'),
            match.jsonKeyTypeOf('state_key', 'string'),
            match.jsonKeyTypeOf('sender', 'string'),
            match.jsonKeyTypeOf('content', 'object'),
          ],
          spec(formatClause, 'Every knock_room_state entry MUST be a state event with type, state_key, sender and content'),
        );
        const original = realState.find((r) => r.type === e.type && r.state_key === e.state_key);
        must.ok(
          original !== undefined,
          spec(formatClause, `knock_room_state entry ${String(e.type)}/${String(e.state_key)} MUST be a state event of the room`),
          'the room has no such state event',
        );
        must.equal(
          e.content,
          original.content,
          spec(formatClause, `knock_room_state entry ${String(e.type)} MUST carry the content of the room's current state event`),
        );
        must.equal(
          e.sender,
          original.sender,
          spec(formatClause, `knock_room_state entry ${String(e.type)} MUST carry the sender of the room's current state event`),
        );
      }
      for (const e of entries) {
        const label = `${String(e.type)}/${String(e.state_key)}`;
        if (pduForm) {
          const problems = pduFormatProblems(e, version);
          must.equal(
            problems,
            [],
            spec('send_knock.knock-room-state.pdus', `knock_room_state entry ${label} MUST be formatted as a PDU of room version ${v}`),
          );
          const original = realState.find((r) => r.type === e.type && r.state_key === e.state_key);
          should.equal(
            computeEventId(e as Pdu, version),
            original?.event_id,
            spec(
              'send_knock.knock-room-state.pdus',
              `knock_room_state entry ${label} SHOULD be the room's own event (its reference hash is the current state event's ID)`,
            ),
          );
        } else {
          should.equal(
            Object.keys(e).sort(),
            STRIPPED_KEYS,
            spec(
              'send_knock.knock-room-state.stripped',
              `knock_room_state entry ${label} SHOULD be in stripped form: only type, state_key, content and sender`,
            ),
          );
        }
      }
    });

    it(`A knock accepted through send_knock is room state with its reason and appears in a member's /sync timeline [spec:send_knock.persisted,sync.room-members-see-knock,membership.knock-reason] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const { since } = await owner.syncUntil((b) => Boolean(b.rooms?.join?.[roomId]), { timeoutMs: WAIT_MS });
      const user = env.fake.userId(unique('knocker'));
      const reason = `please let me in (v${v})`;
      const knock = await knockOn(env.fake, roomId, user, { ver: ALL_VERSIONS, content: { reason } });
      must.matchResponse(knock.make, { status: 200 }, setup('make_knock for a fake user in a knock room succeeds'));
      must.matchResponse(
        knock.send!,
        { status: 200 },
        spec('send_knock.accepted', 'send_knock MUST accept a well-formed knock in a knock room'),
      );
      try {
        await waitForMembership(owner, roomId, user, 'knock');
      } catch (error) {
        if (error instanceof ConditionTimeoutError)
          must.fail(
            spec('send_knock.persisted', 'The knock accepted by send_knock MUST become the member state of the room'),
            error.message,
          );
        throw error;
      }
      const member = await memberEventOf(owner, roomId, user);
      must.matchJson(
        member,
        [
          match.jsonKeyEqual('content.membership', 'knock'),
          match.jsonKeyEqual('sender', user),
          match.jsonKeyEqual('event_id', knock.eventId),
        ],
        spec(
          'send_knock.persisted',
          'The knock accepted by send_knock MUST be the member event in current state (same event ID, sender the knocker)',
        ),
      );
      should.matchJson(
        member,
        [match.jsonKeyEqual('content.reason', reason)],
        spec('membership.knock-reason', 'The knock SHOULD keep its reason'),
      );
      try {
        await owner.syncUntil(
          (b) =>
            (b.rooms?.join?.[roomId]?.timeline?.events ?? []).some(
              (e) => e.event_id === knock.eventId && e.content?.membership === 'knock',
            ),
          { since, timeoutMs: WAIT_MS },
        );
      } catch (error) {
        if (error instanceof SyncTimeoutError)
          must.fail(
            spec('sync.room-members-see-knock', "The accepted knock MUST appear in a joined member's /sync timeline of the room"),
            error.message,
          );
        throw error;
      }
    });

    it(`send_knock refuses a message event and the message does not enter the room [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const { event, eventId } = completeMembershipTemplate(
        env.fake,
        { ...t, event: { ...t.event, content: {} } },
        { content: { msgtype: 'm.text', body: 'not a knock' }, overrides: { type: 'm.room.message', state_key: undefined } },
      );
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'an event whose type is not m.room.member (here: m.room.message)');
      const fetched = await owner.do('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`);
      must.equal(
        fetched.status,
        404,
        spec('send_knock.validation', 'A message refused by send_knock MUST NOT become an event of the room'),
      );
      await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.validation', UNCHANGED));
    });

    it(`send_knock refuses a member event without a state_key [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t, { overrides: { state_key: undefined } });
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'an m.room.member event whose state_key is not its sender (here: no state_key at all)');
      await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.validation', UNCHANGED));
    });

    it(`send_knock refuses a join event even from an invited user who could join, and the user stays invited [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('invitee'));
      await owner.invite(roomId, user);
      await waitForMembership(owner, roomId, user, 'invite');
      const t = await mustMakeTemplate(env.fake, 'join', roomId, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'a member event whose membership is not knock (here: join, which send_join exists for)');
      await mustHaveMembership(owner, roomId, user, 'invite', spec('send_knock.validation', UNCHANGED));
    });

    it(`send_knock refuses a leave event from a knocking user, and the knock stays [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, setup('the fake user knocks'));
      await waitForMembership(owner, roomId, user, 'knock');
      const t = await mustMakeTemplate(env.fake, 'leave', roomId, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'a member event whose membership is not knock (here: leave, which send_leave exists for)');
      await mustHaveMembership(owner, roomId, user, 'knock', spec('send_knock.validation', UNCHANGED));
    });

    for (const membership of ['invite', 'ban']) {
      it(`send_knock refuses a member event with membership ${membership} [spec:send_knock.validation] [v${v}]`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createKnockRoom(owner, v, ROOM);
        const user = env.fake.userId(unique('knocker'));
        const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
        const { event, eventId } = completeMembershipTemplate(env.fake, t, { content: { membership } });
        const res = await sendKnock(env.fake, roomId, eventId, event);
        mustFailValidation(res, `a member event whose membership is not knock (here: ${membership})`);
        await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.validation', UNCHANGED));
      });
    }

    it(`send_knock refuses a knock whose state_key is not its sender [spec:send_knock.validation,auth-rules.knock.sender-not-state-key] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const sender = env.fake.userId(unique('knocker'));
      const target = env.fake.userId(unique('target'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, sender);
      const { event, eventId } = completeMembershipTemplate(env.fake, t, { overrides: { state_key: target } });
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'a knock whose state_key differs from its sender');
      await mustHaveMembership(
        owner,
        roomId,
        target,
        undefined,
        spec(
          'auth-rules.knock.sender-not-state-key',
          'A knock whose sender does not match its state_key MUST be rejected and change no state',
        ),
      );
      await mustHaveMembership(
        owner,
        roomId,
        sender,
        undefined,
        spec(
          'auth-rules.knock.sender-not-state-key',
          'A knock whose sender does not match its state_key MUST be rejected and change no state',
        ),
      );
    });

    it(`send_knock refuses a knock of a user on another server than the requesting one, even with a valid signature [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const other = await env.startOtherFakeServer();
      const user = other.userId(unique('elsewhere'));
      const t = await mustMakeTemplate(other, 'knock', roomId, user);
      const { event, eventId } = completeMembershipTemplate(other, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'a knock whose sender is not a user ID on the origin (requesting) server');
      await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.validation', UNCHANGED));
    });

    it(`send_knock refuses a knock whose room_id differs from the room in the path, and neither room gets the knock [spec:send_knock.room-of-path] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomA = await createKnockRoom(owner, v, { name: 'room in the event' });
      const roomB = await createKnockRoom(owner, v, { name: 'room in the path' });
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomA, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      const res = await sendKnock(env.fake, roomB, eventId, event);
      must.ok(
        res.status === 400 || res.status === 403,
        spec('send_knock.room-of-path', 'send_knock MUST refuse (400 or 403) an event whose room_id is not the room of the request path'),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      await mustHaveMembership(
        owner,
        roomA,
        user,
        undefined,
        spec('send_knock.room-of-path', `${UNCHANGED} in the room named in the event`),
      );
      await mustHaveMembership(
        owner,
        roomB,
        user,
        undefined,
        spec('send_knock.room-of-path', `${UNCHANGED} in the room named in the path`),
      );
    });

    it(`send_knock with an event ID in the path that is not the event's never files the knock under that ID [spec:send_knock.persisted] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      const wrongId =
        version.eventIdFormat === 'v1' ? `$${unique('wrong')}:${env.fake.serverName}` : `$${randomBytes(32).toString('base64url')}`;
      const res = await sendKnock(env.fake, roomId, wrongId, event);
      should.ok(
        res.status >= 400 && res.status < 500,
        spec('send_knock.persisted', 'send_knock SHOULD refuse a request whose path event ID is not the ID of the event in the body'),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      const member = await memberEventOf(owner, roomId, user);
      if (res.status === 200) {
        must.equal(
          member?.event_id,
          eventId,
          spec(
            'send_knock.persisted',
            "An accepted knock MUST be room state under its own event ID (the reference hash), not the request path's",
          ),
        );
      } else if (res.status >= 400 && res.status < 500) {
        must.equal(member?.content?.membership ?? 'none', 'none', spec('send_knock.persisted', UNCHANGED));
      } else {
        must.ok(
          member === undefined || member.event_id === eventId,
          spec('send_knock.persisted', 'A knock MUST never be room state under an ID that is not its own'),
          `member event ${JSON.stringify(member)}`,
        );
      }
    });

    it(`send_knock refuses an unsigned knock event [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      delete event.signatures;
      const res = await sendKnock(env.fake, roomId, eventId, event);
      mustFailValidation(res, 'a knock event that fails the signature check (no signature of the knocking server)');
      await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.validation', UNCHANGED));
    });

    it(`send_knock refuses a knock event signed with a key that is not the knocking server's [spec:send_knock.validation] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const { event } = completeMembershipTemplate(env.fake, t);
      const { signatures: _signatures, hashes: _hashes, ...bare } = event;
      const wrongKey = generateSigningKey(env.fake.key.keyId);
      const forged = signEvent(bare, version, env.fake.serverName, wrongKey.keyId, wrongKey.seed) as Pdu;
      const res = await sendKnock(env.fake, roomId, computeEventId(forged, version), forged);
      mustFailValidation(res, "a knock event that fails the signature check (signed with a key that is not the knocking server's)");
      await mustHaveMembership(owner, roomId, user, undefined, spec('send_knock.validation', UNCHANGED));
    });

    it(`A knock sent after the join rule stopped being knock never enters the room state (and SHOULD be answered 403 M_FORBIDDEN) [spec:send_knock.forbidden,auth-rules.knock.join-rule-not-knock] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('late'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      await owner.sendState(roomId, 'm.room.join_rules', '', { join_rule: 'invite' });
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      // The event passes auth against its auth_events and the state before it (the template predates the change),
      // so the spec's PDU checks soft-fail it against current state ("such events are entirely valid, and we
      // cannot simply reject them"): the knock must never take effect (state resolution applies the knock rule
      // against the new join rule), while answering 403 is the better (SHOULD) answer.
      await mustHaveMembership(
        owner,
        roomId,
        user,
        undefined,
        spec(
          'auth-rules.knock.join-rule-not-knock',
          'A knock that fails the auth rules against current state (join rule invite) MUST NOT become current room state',
        ),
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('send_knock.forbidden', 'send_knock SHOULD answer 403 M_FORBIDDEN when the room is no longer set up for receiving knocks'),
      );
    });

    it(`send_knock answers 403 M_FORBIDDEN when the room's server ACL denies the requesting server [spec:federation.acl] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('denied'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const fakeHost = hostOf(env.fake.serverName);
      await owner.sendState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [fakeHost], allow_ip_literals: true });
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      const res = await sendKnock(env.fake, roomId, eventId, event);
      must.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('federation.acl', "send_knock MUST answer 403 M_FORBIDDEN when the room's m.room.server_acl denies the requesting server"),
      );
      await mustHaveMembership(owner, roomId, user, undefined, spec('federation.acl', UNCHANGED));
    });

    it(`send_knock without a valid X-Matrix signature is refused and changes no state [spec:send_knock.requires-auth] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const t = await mustMakeTemplate(env.fake, 'knock', roomId, user);
      const { event, eventId } = completeMembershipTemplate(env.fake, t);
      await mustRequireXMatrix(env.fake, 'send_knock', {
        method: 'PUT',
        path: `/_matrix/federation/v1/send_knock/${enc(roomId)}/${enc(eventId)}`,
        body: event,
      });
      await mustHaveMembership(
        owner,
        roomId,
        user,
        undefined,
        spec('send_knock.requires-auth', 'An unauthenticated send_knock MUST NOT change room state'),
      );
    });
  }
});
