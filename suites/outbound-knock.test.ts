/**
 * Outbound knock: a user of the HSUT knocks (POST /_matrix/client/v3/knock/{roomIdOrAlias}) on a room the fake
 * server hosts, so the HSUT is the knocking server and performs make_knock → send_knock against the fake.
 * Checked on both sides: what the HSUT sent over federation (the fake's records) and what the user's client
 * gets back and later sees in /sync. The second half makes the fake answer wrongly; the HSUT must then fail the
 * client's knock cleanly and record no knock.
 *
 * Answers that put Synapse's federation back-off on a destination (5xx, hang-ups, unparseable bodies) come from
 * a fake server of their own, so the shared fake stays reachable for the other tests.
 */
import type { CSClient, RawResponse, SyncBody } from '../harness/clients/cs-client';
import { authEventSelection, eventId as computeEventId, getRoomVersion, hasValidContentHash } from '../harness/core';
import {
  customHandler,
  handleMakeKnock,
  handleSendKnock,
  hangUp,
  matrixError,
  referencedIds,
  standardHandlers,
  type FakeServer,
  type HandlerWrapper,
  type InboundRecord,
  type Pdu,
} from '../harness/fake-server';
import { match, must, setup, should, spec, type MustRule } from '../harness/match';
import {
  createFakeKnockRoom,
  KNOCK_VERSIONS,
  PRE_KNOCK_VERSIONS,
  pollUntil,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  WAIT_MS,
  type FederationEnvironment,
  freshSync,
  unique,
} from '../harness/testkit';

/** The suite's knock rooms (on the fake) are named `outbound knock v<version>` unless a test names its own. */
const ROOM = { label: 'outbound knock' } as const;

/** POST /knock as a raw response (never throws on status). */
function knock(
  client: CSClient,
  roomIdOrAlias: string,
  options: { via?: string[]; serverName?: string[]; reason?: string } = {},
): Promise<RawResponse> {
  return client.do('POST', client.knockPath(roomIdOrAlias), {
    query: { via: options.via, server_name: options.serverName },
    body: options.reason === undefined ? {} : { reason: options.reason },
  });
}

function inboundFor(fake: FakeServer, since: number, handler: 'make_knock' | 'send_knock', roomId: string): InboundRecord[] {
  return fake.requests(handler, { since, where: (r) => r.params.roomId === roomId });
}

/** The shared fake answers `name` for this one room with the test's behaviour, every other room as usual. */
function forRoom(roomId: string, behaviour: HandlerWrapper): HandlerWrapper {
  return (request, next, fake) => (request.params.roomId === roomId ? behaviour(request, next, fake) : next());
}

/** Names the membership sections of a sync body that list the room. */
function sectionsListing(body: SyncBody, roomId: string): string[] {
  const rooms = body.rooms ?? {};
  return (['join', 'invite', 'knock', 'leave'] as const).filter((s) => rooms[s]?.[roomId] !== undefined);
}

/**
 * Absence without sleeping: the same user knocks successfully on a second room of the shared fake; once /sync
 * lists that knock, everything the failed knock could have recorded is visible too, and the failed room must not
 * be in rooms.knock (nor joined or invited). Each attempt reads both an initial sync and an incremental sync from
 * `before` (a token from before the failed knock), so one broken /sync flavour does not stall the check.
 */
async function mustHaveRecordedNoKnock(
  env: FederationEnvironment,
  client: CSClient,
  failedRoomId: string,
  roomVersion: string,
  before: string,
  rule: MustRule,
): Promise<void> {
  const marker = createFakeKnockRoom(env.fake, roomVersion, { name: 'marker room' }).room;
  const markerKnock = await knock(client, marker.roomId, { via: [env.fake.serverName] });
  must.matchResponse(
    markerKnock,
    { status: 200 },
    setup('the user knocks on a second room of the fake (the barrier for the absence check)'),
  );
  let seen = 'no sync completed';
  const bodies = await pollUntil(
    async () => {
      const [initial, incremental] = await Promise.all([freshSync(client), freshSync(client, before)]);
      seen = `initial sync lists it in [${sectionsListing(initial, marker.roomId).join(', ')}], incremental in [${sectionsListing(incremental, marker.roomId).join(', ')}]`;
      // Listed in any section is enough for the barrier (whether it is the right one is other tests' business).
      const showing = [initial, incremental].filter((b) => sectionsListing(b, marker.roomId).length > 0);
      return showing.length > 0 ? showing : undefined;
    },
    { timeoutMs: WAIT_MS, description: `a /sync listing the follow-up knock on ${marker.roomId}` },
    () => seen,
  );
  for (const body of bodies) {
    const listed = sectionsListing(body, failedRoomId).filter((s) => s !== 'leave');
    must.equal(listed, [], rule);
  }
}

describe('Outbound knock: an HSUT user knocks on a room the fake server hosts (make_knock → send_knock)', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  afterEach(() => {
    // Per-test behaviours are installed as wrappers of the built-ins; put the plain ones back.
    env.fake.use(handleMakeKnock()).use(handleSendKnock());
  });

  for (const v of KNOCK_VERSIONS) {
    const version = getRoomVersion(v);

    it(`The HSUT asks the fake's make_knock for the room and the user, with ver listing the room's version, signed with X-Matrix, and the client gets 200 with room_id [spec:send_knock.outbound,client.knock] [v${v}]`, async () => {
      const client = await env.newUser();
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });

      const makes = inboundFor(env.fake, since, 'make_knock', room.roomId);
      must.ok(
        makes.length > 0,
        spec(
          'send_knock.outbound',
          'The knocking server MUST ask a resident server for a knock template with GET /_matrix/federation/v1/make_knock/{roomId}/{userId}',
        ),
        `no make_knock for ${room.roomId} reached the fake (client got ${res.status})`,
      );
      const make = makes[0];
      must.equal(
        make.origin,
        env.hs.serverName,
        spec('federation.request-auth', 'make_knock MUST be authenticated with X-Matrix by the knocking server (origin = the HSUT)'),
      );
      must.equal(make.params.userId, client.userId, spec('make_knock.user-in-path', 'make_knock MUST name the knocking user in its path'));
      const ver = make.query.getAll('ver');
      must.ok(
        ver.includes(v),
        spec(
          'make_knock.ver',
          "make_knock MUST list in ver the room versions the knocking server supports; a knocking server that supports the room's version must list it",
        ),
        `ver=${JSON.stringify(ver)} lacks "${v}"`,
      );
      must.matchResponse(
        res,
        { status: 200, body: [match.jsonKeyEqual('room_id', room.roomId)] },
        spec('client.knock', 'POST /knock MUST answer 200 with the knocked room_id once the resident server accepted the knock'),
      );
      must.equal(
        room.membership(client.userId),
        'knock',
        spec('send_knock.outbound', "A knock accepted through send_knock is the user's membership in the resident server's room"),
      );
    });

    it(`The HSUT's send_knock carries a knock event of the user, hashed, signed by the HSUT and sent under its own event ID [spec:send_knock.outbound,membership.knock] [v${v}]`, async () => {
      const client = await env.newUser();
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      // The fake's own make_knock template cites the auth events selection from the room's state before the knock.
      const expectedAuth = referencedIds(room.membershipTemplate(client.userId, 'knock').auth_events);
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });

      const sends = inboundFor(env.fake, since, 'send_knock', room.roomId);
      must.ok(
        sends.length > 0,
        spec(
          'send_knock.outbound',
          'The knocking server MUST send the completed knock event with PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}',
        ),
        `no send_knock for ${room.roomId} reached the fake (client got ${res.status})`,
      );
      const send = sends[0];
      must.equal(
        send.origin,
        env.hs.serverName,
        spec('federation.request-auth', 'send_knock MUST be authenticated with X-Matrix by the knocking server (origin = the HSUT)'),
      );
      const event = send.body as Pdu;
      must.matchJson(
        event,
        [
          match.jsonKeyEqual('type', 'm.room.member'),
          match.jsonKeyEqual('content.membership', 'knock'),
          match.jsonKeyEqual('sender', client.userId),
          match.jsonKeyEqual('state_key', client.userId),
          match.jsonKeyEqual('room_id', room.roomId),
        ],
        spec(
          'membership.knock',
          'The event sent to send_knock MUST be an m.room.member event with membership knock whose sender and state_key are the knocking user, in the room of the path',
        ),
      );
      must.ok(
        hasValidContentHash(event),
        spec(
          'send_knock.outbound-hashed',
          'The knocking server MUST fill in hashes.sha256 with the content hash of the event it sends to send_knock',
        ),
        `hashes=${JSON.stringify(event.hashes)}`,
      );
      const describeIds = (ids: string[]) => ids.map((id) => `${id} (${room.event(id)?.type ?? 'unknown to the resident server'})`).sort();
      // Auth rules: an entry of a type/state_key the selection never names rejects the event, and so does a knock
      // without the create event (before v12) or the join rules. The exact selection is only "should".
      const cited = referencedIds(event.auth_events).map((id) => ({ id, event: room.event(id) }));
      const allowed = authEventSelection(event, version).map(([type, stateKey]) => `${type}/${stateKey}`);
      const notAllowed = cited
        .filter((c) => !c.event || !allowed.includes(`${c.event.type}/${c.event.state_key ?? ''}`))
        .map((c) => `${c.id} (${c.event ? `${c.event.type}/${c.event.state_key}` : 'unknown to the resident server'})`);
      must.equal(
        notAllowed,
        [],
        spec(
          'auth-rules.auth-events-allowed',
          `The knock event's auth_events MUST only cite state the auth events selection names for a knock (${allowed.join(', ')}); entries outside it`,
        ),
      );
      const citedTypes = cited.map((c) => c.event?.type);
      const required = [...(version.createInAuthEvents ? ['m.room.create'] : []), 'm.room.join_rules'];
      must.equal(
        required.filter((t) => !citedTypes.includes(t)),
        [],
        spec(
          'auth-rules.auth-events-allowed',
          `The knock event's auth_events MUST cite ${required.join(' and ')} (auth rules reject a knock without them); missing`,
        ),
      );
      should.equal(
        describeIds(referencedIds(event.auth_events)),
        describeIds(expectedAuth),
        spec(
          'auth-rules.auth-events-selection',
          "The knock event's auth_events SHOULD be exactly the auth events selection for a knock (create before v12, power levels, join rules)",
        ),
      );
      must.equal(
        send.params.eventId,
        computeEventId(event, version),
        spec(
          'send_knock.event-id-in-path',
          `The eventId in the send_knock path MUST be the ID of the event sent (room version ${v} event ID format)`,
        ),
      );
      const pdu = await env.fake.waitForPdu((p) => p.via === 'send_knock' && p.roomId === room.roomId, { timeoutMs: WAIT_MS, since });
      must.ok(
        pdu.signatureVerified,
        spec(
          'send_knock.outbound-signed',
          "The knock event MUST be signed by the knocking server's key (the fake verified the HSUT's signature)",
        ),
        pdu.rejection,
      );
      must.ok(
        pdu.accepted,
        spec('send_knock.outbound', "The knock event MUST pass the resident server's checks (signature, hash, membership auth rules)"),
        pdu.rejection,
      );
      must.matchResponse(
        res,
        { status: 200, body: [match.jsonKeyEqual('room_id', room.roomId)] },
        spec('client.knock', 'POST /knock MUST answer 200 with room_id after a successful send_knock'),
      );
    });

    it(`The reason of the client's knock request reaches the knock event the HSUT sends to send_knock [spec:client.knock-reason,membership.knock-reason] [v${v}]`, async () => {
      const client = await env.newUser();
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      const since = env.fake.mark();
      const reason = `please let me in (${unique('reason')})`;
      const res = await knock(client, room.roomId, { via: [env.fake.serverName], reason });
      must.matchResponse(res, { status: 200 }, spec('client.knock', 'POST /knock MUST answer 200 after a successful send_knock'));
      const pdu = await env.fake.waitForPdu((p) => p.via === 'send_knock' && p.roomId === room.roomId, { timeoutMs: WAIT_MS, since });
      must.matchJson(
        { content: pdu.event.content },
        [match.jsonKeyEqual('content.membership', 'knock')],
        spec('membership.knock', 'The event sent to send_knock MUST have membership knock'),
      );
      should.matchJson(
        { content: pdu.event.content },
        [match.jsonKeyEqual('content.reason', reason)],
        spec('client.knock-reason', 'POST /knock: the optional reason is to be included as the reason of the resulting membership event'),
      );
    });
  }

  // A resident server that offers a knock template for a room of a version without knocking (1–6).
  const markerVersion = KNOCK_VERSIONS[KNOCK_VERSIONS.length - 1];
  for (const old of markerVersion === undefined ? [] : PRE_KNOCK_VERSIONS) {
    it(`A make_knock answer for a room of version ${old}, which has no knocking, makes the HSUT fail the knock without calling send_knock, and no knock is recorded [spec:send_knock.outbound,room-versions.knock-refused-before-v7] [v${old}]`, async () => {
      const client = await env.newUser();
      const before = (await freshSync(client)).next_batch;
      const room = createFakeKnockRoom(env.fake, old, ROOM).room;
      env.fake.use(
        handleMakeKnock({
          wrap: forRoom(room.roomId, () => ({
            status: 200,
            body: { room_version: old, event: room.membershipTemplate(client.userId, 'knock') },
          })),
        }),
      );
      // A resident server that goes along with it: send_knock is accepted, so only the HSUT can stop the knock.
      env.fake.use(
        handleSendKnock({ wrap: forRoom(room.roomId, () => ({ status: 200, body: { knock_room_state: room.strippedState() } })) }),
      );
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      should.equal(
        inboundFor(env.fake, since, 'send_knock', room.roomId).length,
        0,
        spec(
          'room-versions.knock-refused-before-v7',
          `A knocking server SHOULD NOT knock into a room whose version has no knock membership (room versions 1–6): no send_knock after make_knock says room_version ${old}`,
        ),
      );
      must.ok(
        res.status >= 400,
        spec(
          'client.knock-failed-is-not-200',
          'POST /knock MUST fail when the room version does not support knocking (a knock membership fails its auth rules)',
        ),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      should.matchResponse(
        res,
        { status: [400, 403] },
        spec(
          'client.knock-forbidden',
          'POST /knock SHOULD answer 4xx (403: the room is not set up for knocking) when the room version has no knocking',
        ),
      );
      await mustHaveRecordedNoKnock(
        env,
        client,
        room.roomId,
        markerVersion!,
        before,
        spec(
          'room-versions.knock-refused-before-v7',
          "A knock membership in a room of version 1–6 fails the auth rules: it MUST NOT be recorded as the user's membership",
        ),
      );
    });
  }

  for (const v of KNOCK_VERSIONS) {
    it(`A make_knock answer with an unknown room_version makes the HSUT fail the knock without calling send_knock, and no knock is recorded [spec:send_knock.outbound] [v${v}]`, async () => {
      const client = await env.newUser();
      const before = (await freshSync(client)).next_batch;
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      env.fake.use(
        handleMakeKnock({
          wrap: forRoom(room.roomId, async (_request, next) => {
            const answer = await next();
            if ('status' in answer && answer.status === 200) (answer.body as { room_version: string }).room_version = '999';
            return answer;
          }),
        }),
      );
      env.fake.use(
        handleSendKnock({ wrap: forRoom(room.roomId, () => ({ status: 200, body: { knock_room_state: room.strippedState() } })) }),
      );
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      should.equal(
        inboundFor(env.fake, since, 'send_knock', room.roomId).length,
        0,
        spec(
          'make_knock.ver',
          'A knocking server SHOULD NOT call send_knock for a room version it does not support (not in its ver; it cannot build a valid event for it)',
        ),
      );
      must.ok(
        res.status >= 400,
        spec(
          'client.knock-failed-is-not-200',
          'POST /knock MUST fail when the room version is unknown to the knocking server (the resident never accepted a knock)',
        ),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      must.ok(
        typeof res.errcode === 'string',
        spec('client.standard-error', 'A failed POST /knock MUST answer a standard error response with errcode'),
        `got ${JSON.stringify(res.body)}`,
      );
      await mustHaveRecordedNoKnock(
        env,
        client,
        room.roomId,
        v,
        before,
        spec('client.knock-failed-is-not-200', "A failed knock MUST NOT be recorded as the user's membership"),
      );
    });

    it(`make_knock refused with 403 M_FORBIDDEN makes POST /knock answer 403 M_FORBIDDEN, with no send_knock and no knock recorded [spec:client.knock-forbidden,send_knock.outbound] [v${v}]`, async () => {
      const client = await env.newUser();
      const before = (await freshSync(client)).next_batch;
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      env.fake.use(
        handleMakeKnock({ wrap: forRoom(room.roomId, () => matrixError(403, 'M_FORBIDDEN', 'You are not allowed to knock on this room')) }),
      );
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      must.matchResponse(
        res,
        { status: 403 },
        spec(
          'client.knock-forbidden',
          'POST /knock MUST answer 403 when the user may not knock (the resident server refused make_knock with 403)',
        ),
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec(
          'client.knock-forbidden',
          'POST /knock SHOULD carry M_FORBIDDEN (the errcode is only an example) when the resident refused make_knock with 403 M_FORBIDDEN',
        ),
      );
      must.equal(
        inboundFor(env.fake, since, 'send_knock', room.roomId).length,
        0,
        spec('send_knock.outbound', 'After make_knock is refused there is no template: the knocking server MUST NOT call send_knock'),
      );
      await mustHaveRecordedNoKnock(
        env,
        client,
        room.roomId,
        v,
        before,
        spec('client.knock-failed-is-not-200', "A refused knock MUST NOT be recorded as the user's membership"),
      );
    });

    it(`make_knock refused with 404 M_NOT_FOUND fails POST /knock with an error, with no send_knock and no knock recorded [spec:send_knock.outbound] [v${v}]`, async () => {
      const client = await env.newUser();
      const before = (await freshSync(client)).next_batch;
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      env.fake.use(handleMakeKnock({ wrap: forRoom(room.roomId, () => matrixError(404, 'M_NOT_FOUND', 'Unknown room')) }));
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      must.ok(
        res.status >= 400,
        spec('client.knock-failed-is-not-200', 'POST /knock MUST fail when the only server to knock through does not know the room'),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      must.ok(
        typeof res.errcode === 'string',
        spec('client.standard-error', 'A failed POST /knock MUST answer a standard error response with errcode'),
        `got ${JSON.stringify(res.body)}`,
      );
      must.equal(
        inboundFor(env.fake, since, 'send_knock', room.roomId).length,
        0,
        spec('send_knock.outbound', 'After make_knock is refused there is no template: the knocking server MUST NOT call send_knock'),
      );
      await mustHaveRecordedNoKnock(
        env,
        client,
        room.roomId,
        v,
        before,
        spec('client.knock-failed-is-not-200', "A failed knock MUST NOT be recorded as the user's membership"),
      );
    });

    it(`make_knock refused with 404 M_NOT_FOUND by the only server to knock through makes POST /knock answer 404 M_NOT_FOUND [spec:client.knock,send_knock.outbound] [v${v}]`, async () => {
      const client = await env.newUser();
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      env.fake.use(handleMakeKnock({ wrap: forRoom(room.roomId, () => matrixError(404, 'M_NOT_FOUND', 'Unknown room')) }));
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      must.ok(
        res.status >= 400,
        spec('client.knock-failed-is-not-200', 'POST /knock MUST fail when every server to knock through answered make_knock with 404'),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      // No sentence makes the knocking server pass a make_knock 404 through (only the 400 "should be passed through").
      should.matchResponse(
        res,
        { status: 404, errcode: 'M_NOT_FOUND' },
        spec(
          'client.knock-not-found',
          'POST /knock SHOULD answer 404 M_NOT_FOUND when the room could not be found (every server to knock through answered 404 M_NOT_FOUND)',
        ),
      );
    });

    it(`send_knock refused with 403 M_FORBIDDEN makes POST /knock answer 403 M_FORBIDDEN and no knock is recorded [spec:client.knock-forbidden,send_knock.outbound] [v${v}]`, async () => {
      const client = await env.newUser();
      const before = (await freshSync(client)).next_batch;
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      env.fake.use(handleSendKnock({ wrap: forRoom(room.roomId, () => matrixError(403, 'M_FORBIDDEN', 'The knock is refused')) }));
      const since = env.fake.mark();
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      must.ok(
        inboundFor(env.fake, since, 'send_knock', room.roomId).length > 0,
        spec('send_knock.outbound', 'The knocking server MUST send the knock with send_knock after a successful make_knock'),
        'no send_knock reached the fake',
      );
      must.matchResponse(
        res,
        { status: 403 },
        spec('client.knock-forbidden', 'POST /knock MUST answer 403 when the resident server refused the knock (send_knock 403)'),
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec(
          'client.knock-forbidden',
          'POST /knock SHOULD carry M_FORBIDDEN (the errcode is only an example) when send_knock was refused with 403 M_FORBIDDEN',
        ),
      );
      await mustHaveRecordedNoKnock(
        env,
        client,
        room.roomId,
        v,
        before,
        spec('client.knock-failed-is-not-200', "A knock the resident server refused MUST NOT be recorded as the user's membership"),
      );
    });

    it(`A send_knock answer without knock_room_state leaves the client's result and /sync consistent: never 200 without a recorded knock [spec:send_knock.accepted,sync.knock-section] [v${v}]`, async () => {
      const client = await env.newUser();
      const before = (await freshSync(client)).next_batch;
      const room = createFakeKnockRoom(env.fake, v, ROOM).room;
      env.fake.use(
        handleSendKnock({
          wrap: forRoom(room.roomId, async (_request, next) => {
            const answer = await next();
            return 'status' in answer && answer.status === 200 ? { status: 200, body: {} } : answer;
          }),
        }),
      );
      const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
      if (res.status === 200) {
        const body = await pollUntil(
          async () => {
            const b = await freshSync(client);
            return b.rooms?.knock?.[room.roomId] !== undefined ? b : undefined;
          },
          { timeoutMs: WAIT_MS, description: `the knock on ${room.roomId} in an initial /sync after POST /knock answered 200` },
        );
        must.matchJson(
          body,
          [match.jsonKeyTypeOf(`rooms.knock.${room.roomId.replace(/\./g, '\\.')}.knock_state.events`, 'array')],
          spec('sync.knock-section', '/sync MUST list a knocked room under rooms.knock with knock_state.events'),
        );
      } else {
        must.ok(
          typeof res.errcode === 'string',
          spec('client.standard-error', 'A failed POST /knock MUST answer a standard error response with errcode'),
          `got ${res.status} ${JSON.stringify(res.body)}`,
        );
        should.ok(
          res.status < 500,
          spec(
            'send_knock.accepted',
            'A malformed send_knock answer (knock_room_state is required) SHOULD give the client a clean 4xx/502, not an internal error',
          ),
          `got ${res.status}`,
        );
        await mustHaveRecordedNoKnock(
          env,
          client,
          room.roomId,
          v,
          before,
          spec('client.knock-failed-is-not-200', "A knock whose POST /knock failed MUST NOT be recorded as the user's membership"),
        );
      }
    });

    for (const [label, response] of [
      ['truncated JSON', { status: 200, rawBody: '{"room_version": "7", "event": {"type": "m.room.member", ' }],
      ['a non-JSON body', { status: 200, rawBody: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }],
      ['a hang-up', hangUp()],
      ['500 M_UNKNOWN', matrixError(500, 'M_UNKNOWN', 'Internal server error')],
    ] as const) {
      it(`A make_knock answered with ${label} fails POST /knock with an error, with no send_knock and no knock recorded [spec:send_knock.outbound] [v${v}]`, async () => {
        const client = await env.newUser();
        const before = (await freshSync(client)).next_batch;
        // Own fake server: these answers make the HSUT back off from the destination for minutes.
        const broken = await env.startOtherFakeServer([...standardHandlers(), customHandler('make_knock', () => response)]);
        const room = createFakeKnockRoom(broken, v, ROOM).room;
        const since = broken.mark();
        const res = await knock(client, room.roomId, { via: [broken.serverName] });
        must.ok(
          inboundFor(broken, since, 'make_knock', room.roomId).length > 0,
          spec('client.knock-via', 'The knocking server MUST ask the server named in via for make_knock'),
          'no make_knock reached the fake',
        );
        must.ok(
          res.status >= 400,
          spec('client.knock-failed-is-not-200', `POST /knock MUST fail when make_knock answered ${label}`),
          `got ${res.status} ${JSON.stringify(res.body)}`,
        );
        must.ok(
          typeof res.errcode === 'string',
          spec('client.standard-error', 'A failed POST /knock MUST answer a standard error response with errcode'),
          `got ${JSON.stringify(res.body)}`,
        );
        must.equal(
          inboundFor(broken, since, 'send_knock', room.roomId).length,
          0,
          spec('send_knock.outbound', 'Without a usable make_knock template the knocking server MUST NOT call send_knock'),
        );
        must.equal(
          broken.unexpectedRequests().map((r) => `${r.method} ${r.path}`),
          [],
          setup('the broken fake answered every request the HSUT made'),
        );
        await mustHaveRecordedNoKnock(
          env,
          client,
          room.roomId,
          v,
          before,
          spec('client.knock-failed-is-not-200', "A failed knock MUST NOT be recorded as the user's membership"),
        );
      });
    }
  }

  // Client API variants: the room version does not matter here; the newest knock version stands for all.
  const v = KNOCK_VERSIONS[KNOCK_VERSIONS.length - 1];
  if (v === undefined) return;

  it(`Knocking by room ID with the deprecated server_name parameter knocks through that server [spec:client.knock-server-name] [v${v}]`, async () => {
    const client = await env.newUser();
    const room = createFakeKnockRoom(env.fake, v, ROOM).room;
    const since = env.fake.mark();
    const res = await knock(client, room.roomId, { serverName: [env.fake.serverName] });
    must.matchResponse(
      res,
      { status: 200, body: [match.jsonKeyEqual('room_id', room.roomId)] },
      spec('client.knock-server-name', 'POST /knock with server_name MUST knock through the named server and answer 200 with room_id'),
    );
    must.ok(
      inboundFor(env.fake, since, 'send_knock', room.roomId).length > 0,
      spec('client.knock-server-name', 'The knocking server MUST knock through the server named in server_name'),
      'no send_knock reached the fake',
    );
    must.equal(
      room.membership(client.userId),
      'knock',
      spec('send_knock.outbound', "The knock MUST become the user's membership in the resident server's room"),
    );
  });

  it(`Knocking by an alias of the fake server resolves it over federation and knocks on the aliased room [spec:client.knock-alias,send_knock.outbound] [v${v}]`, async () => {
    const client = await env.newUser();
    const alias = `#${unique('knock-alias')}:${env.fake.serverName}`;
    const room = createFakeKnockRoom(env.fake, v, { ...ROOM, canonicalAlias: alias }).room;
    const since = env.fake.mark();
    const res = await knock(client, alias);
    const query = env.fake.requests('query_directory', { since, where: (r) => r.query.get('room_alias') === alias })[0];
    // How the alias is resolved is not fixed by the knock endpoint; asking the alias's server is the usual way.
    if (
      should.ok(
        query !== undefined,
        spec(
          'client.knock-alias',
          "POST /knock with a remote alias SHOULD resolve it through the alias's server (GET /_matrix/federation/v1/query/directory)",
        ),
        'no directory query for the alias reached the fake',
      )
    ) {
      must.equal(
        query!.origin,
        env.hs.serverName,
        spec('federation.request-auth', 'The directory query MUST be authenticated with X-Matrix by the HSUT'),
      );
    }
    must.matchResponse(
      res,
      { status: 200, body: [match.jsonKeyEqual('room_id', room.roomId)] },
      spec('client.knock-alias', 'POST /knock with an alias MUST knock on the aliased room and answer 200 with its room_id'),
    );
    must.ok(
      inboundFor(env.fake, since, 'send_knock', room.roomId).length > 0,
      spec('send_knock.outbound', 'The knocking server MUST knock through the servers the alias resolved to'),
      'no send_knock reached the fake',
    );
    must.equal(
      room.membership(client.userId),
      'knock',
      spec('client.knock-alias', "The knock MUST become the user's membership in the aliased room"),
    );
  });

  it(`Knocking without a reason sends a knock event without a reason [spec:client.knock,membership.knock] [v${v}]`, async () => {
    const client = await env.newUser();
    const room = createFakeKnockRoom(env.fake, v, ROOM).room;
    const since = env.fake.mark();
    const res = await knock(client, room.roomId, { via: [env.fake.serverName] });
    must.matchResponse(
      res,
      { status: 200, body: [match.jsonKeyEqual('room_id', room.roomId)] },
      spec('client.knock', 'POST /knock without a reason MUST answer 200 with room_id'),
    );
    const pdu = await env.fake.waitForPdu((p) => p.via === 'send_knock' && p.roomId === room.roomId, { timeoutMs: WAIT_MS, since });
    must.matchJson(
      { content: pdu.event.content },
      [match.jsonKeyEqual('content.membership', 'knock')],
      spec('membership.knock', 'The knock event MUST have membership knock'),
    );
    should.matchJson(
      { content: pdu.event.content },
      [match.jsonKeyAbsent('content.reason')],
      spec('client.knock-reason', 'A knock requested without a reason SHOULD carry no reason in its content'),
    );
  });
});
