/**
 * After an outbound knock (an HSUT user knocked on a room the fake server hosts): what the user's client sees in
 * /sync (rooms.knock with knock_state, initial and incremental), acceptance (the fake invites the user, the user
 * joins through the fake), rejection (the fake's moderator sends a leave for the user), rescinding (the user
 * leaves), and knock_room_state that lies about the room (it is informational, never the room's state).
 */
import type { ClientEvent, CSClient, SyncBody } from '../harness/clients/cs-client';
import { handleSendKnock, inviteRemoteUser, roomStateIsPdus, sendTransaction, type FakeServer, type Pdu } from '../harness/fake-server';
import { match, must, setup, should, spec, type MustRule } from '../harness/match';
import { judgedSpecVersion } from '../harness/core/spec-versions';
import {
  createFakeKnockRoom,
  KNOCK_VERSIONS,
  pollUntil,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  WAIT_MS,
  type FakeKnockRoom,
  type FakeKnockRoomOptions,
  type FederationEnvironment,
  freshSync,
  unique,
} from '../harness/testkit';

/**
 * How long to wait for something Synapse is known not to do (rescind/reject over federation) before the check
 * fails: long enough for an HSUT that does it asynchronously, short enough to keep expected failures cheap.
 */
const ABSENT_MS = Math.round(WAIT_MS / 5);

/** The suite's rooms on the fake: knock rooms with a name, topic, avatar and an alias of their own. */
function lifecycleRoom(fake: FakeServer): FakeKnockRoomOptions {
  return {
    label: 'knock lifecycle',
    topic: 'a room to knock on',
    avatarUrl: 'mxc://example.org/knock-avatar',
    canonicalAlias: `#${unique('lifecycle')}:${fake.serverName}`,
  };
}

function sectionsListing(body: SyncBody, roomId: string): string[] {
  const rooms = body.rooms ?? {};
  return (['join', 'invite', 'knock', 'leave'] as const).filter((s) => rooms[s]?.[roomId] !== undefined);
}

/** A JSON path segment for a room ID (dots escaped for match.* paths). */
function key(roomId: string): string {
  return roomId.replace(/\./g, '\\.');
}

/**
 * Polls /sync — always from the same `since` (undefined: initial sync), so nothing that happened after it can be
 * skipped — until `predicate` holds; on timeout the test fails with `rule`.
 */
async function mustSyncShowing(
  client: CSClient,
  since: string | undefined,
  predicate: (body: SyncBody) => boolean,
  what: string,
  rule: MustRule,
  timeoutMs = WAIT_MS,
): Promise<SyncBody> {
  let last: SyncBody | undefined;
  try {
    return await pollUntil(
      async () => {
        last = await freshSync(client, since);
        return predicate(last) ? last : undefined;
      },
      { timeoutMs, description: what },
    );
  } catch (error) {
    const rooms = last ? JSON.stringify(last.rooms ?? {}).slice(0, 1500) : 'no sync completed';
    return must.fail(rule, `${(error as Error).message}; ${since === undefined ? 'initial' : 'incremental'} /sync showed rooms=${rooms}`);
  }
}

/**
 * The user knocks (via the shared fake) and the fake accepted it; returns a sync token from after the knock.
 * Either an initial sync or an incremental one from before the knock may show it (the tests of each flavour are
 * above), so a broken flavour fails those tests without stalling the rest.
 */
async function mustKnockAndSettle(env: FederationEnvironment, client: CSClient, knocked: FakeKnockRoom): Promise<string> {
  const before = (await freshSync(client)).next_batch;
  const res = await client.do('POST', client.knockPath(knocked.room.roomId), { query: { via: [env.fake.serverName] }, body: {} });
  must.matchResponse(
    res,
    { status: 200, body: [match.jsonKeyEqual('room_id', knocked.room.roomId)] },
    spec('client.knock', 'POST /knock MUST answer 200 with room_id after a successful make_knock/send_knock'),
  );
  let seen = 'no sync completed';
  let body: SyncBody;
  try {
    body = await pollUntil(
      async () => {
        const [initial, incremental] = await Promise.all([freshSync(client), freshSync(client, before)]);
        seen = `initial sync lists it in [${sectionsListing(initial, knocked.room.roomId).join(', ')}], incremental in [${sectionsListing(incremental, knocked.room.roomId).join(', ')}]`;
        return [initial, incremental].find((b) => sectionsListing(b, knocked.room.roomId).length > 0);
      },
      { timeoutMs: WAIT_MS, description: `${knocked.room.roomId} in rooms.knock` },
      () => seen,
    );
  } catch (error) {
    return must.fail(spec('sync.knock-section', '/sync MUST list a room the user knocked on under rooms.knock'), (error as Error).message);
  }
  must.equal(
    sectionsListing(body, knocked.room.roomId),
    ['knock'],
    spec('sync.knock-section', '/sync MUST list a room the user knocked on under rooms.knock (and nowhere else)'),
  );
  return body.next_batch;
}

function knockStateEvents(body: SyncBody, roomId: string): ClientEvent[] {
  return body.rooms?.knock?.[roomId]?.knock_state?.events ?? [];
}

/** PDU fields that stripped state never has: none of them may reach the client. */
const PDU_ONLY_KEYS = [
  'event_id',
  'room_id',
  'origin',
  'origin_server_ts',
  'depth',
  'prev_events',
  'auth_events',
  'hashes',
  'signatures',
  'unsigned',
  'redacts',
];
const STRIPPED_KEYS = ['content', 'sender', 'state_key', 'type'];

/**
 * knock_state as the spec has it: stripped state events only (type, state_key, sender, content: MUST at every
 * version; since v1.16 what came over federation as PDUs MUST be pruned to that), m.room.create among them since
 * v1.16 (MUST); the rest of what knock_room_state carried, and the user's own knock, are SHOULD ("should contain
 * some or all of"; the example). Extra events are permitted ("The server might include events not described here").
 */
function mustShowKnockState(body: SyncBody, knocked: FakeKnockRoom, userId: string, which: string): void {
  const roomId = knocked.room.roomId;
  must.matchJson(
    body,
    [match.jsonKeyTypeOf(`rooms.knock.${key(roomId)}.knock_state.events`, 'array')],
    spec('sync.knock-section', `${which} /sync MUST list a knocked room under rooms.knock.{roomId} with knock_state.events`),
  );
  const events = knockStateEvents(body, roomId);
  const label = (e: ClientEvent) => `${String(e.type)}/${String(e.state_key)}`;
  const hasCreate = events.some((e) => e.type === 'm.room.create' && e.state_key === '');
  if (roomStateIsPdus(judgedSpecVersion())) {
    must.ok(
      hasCreate,
      spec('sync.knock-state-create', `${which} /sync: knock_state MUST contain the room's m.room.create event`),
      `types: ${JSON.stringify(events.map((e) => e.type))}`,
    );
  } else {
    should.ok(
      hasCreate,
      spec('sync.knock-state-identifying', `${which} /sync: knock_state SHOULD contain the room's m.room.create event`),
      `types: ${JSON.stringify(events.map((e) => e.type))}`,
    );
  }
  for (const e of knocked.room.strippedState()) {
    should.matchJson(
      events,
      [match.arrayContains(match.where({ type: e.type, state_key: e.state_key, sender: e.sender, content: e.content }))],
      spec(
        'sync.knock-state-identifying',
        `${which} /sync: knock_state.events SHOULD hold the room's ${e.type} the resident server answered in knock_room_state`,
      ),
    );
  }
  should.matchJson(
    events,
    [match.arrayContains(match.where({ type: 'm.room.member', state_key: userId, sender: userId, 'content.membership': 'knock' }))],
    spec(
      'sync.knock-section',
      `${which} /sync: knock_state.events SHOULD include the user's own knock member event (membership knock, sender = state_key = the user)`,
    ),
  );
  // The form last: a server listed for imperfect stripping still has the contents above checked.
  if (roomStateIsPdus(judgedSpecVersion())) {
    const leaked = events
      .map((e) => ({ e, keys: Object.keys(e).filter((k) => PDU_ONLY_KEYS.includes(k)) }))
      .filter((x) => x.keys.length > 0)
      .map((x) => `${label(x.e)}: ${x.keys.join(', ')}`);
    must.equal(
      leaked,
      [],
      spec(
        'sync.knock-state-pruned',
        `${which} /sync: knock_room_state came as PDUs; the server MUST prune them to stripped state before passing them to the client (PDU fields left)`,
      ),
    );
  }
  const extraKeys = events
    .map((e) => ({ e, keys: Object.keys(e).filter((k) => !STRIPPED_KEYS.includes(k)) }))
    .filter((x) => x.keys.length > 0)
    .map((x) => `${label(x.e)}: ${x.keys.join(', ')}`);
  must.equal(
    extraKeys,
    [],
    spec(
      'sync.knock-state-stripped',
      `${which} /sync: knock_state events MUST be stripped state events (only sender, type, state_key and content); keys beyond those`,
    ),
  );
}

describe('Outbound knock lifecycle: /sync of the knocking user, acceptance, rejection, rescinding, untrusted knock_room_state', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  afterEach(() => {
    env.fake.use(handleSendKnock());
  });

  for (const v of KNOCK_VERSIONS) {
    it(`An initial /sync lists the knocked room under rooms.knock with the stripped state from knock_room_state and the user's knock event [spec:sync.knock-section,sync.knock-state-stripped,sync.knock-state-create,sync.knock-state-pruned] [v${v}]`, async () => {
      const client = await env.newUser();
      const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
      const res = await client.do('POST', client.knockPath(knocked.room.roomId), { query: { via: [env.fake.serverName] }, body: {} });
      must.matchResponse(
        res,
        { status: 200 },
        spec('client.knock', 'POST /knock MUST answer 200 after a successful make_knock/send_knock'),
      );
      const body = await mustSyncShowing(
        client,
        undefined,
        (b) => sectionsListing(b, knocked.room.roomId).length > 0,
        `${knocked.room.roomId} in an initial sync`,
        spec('sync.knock-section', 'An initial /sync MUST list a room the user knocked on under rooms.knock'),
      );
      must.equal(
        sectionsListing(body, knocked.room.roomId),
        ['knock'],
        spec('sync.knock-section', 'A knocked room MUST be listed only under rooms.knock (not join, invite or leave)'),
      );
      mustShowKnockState(body, knocked, client.userId, 'An initial');
    });

    it(`An incremental /sync from before the knock lists the knocked room under rooms.knock with its knock_state [spec:sync.knock-section,sync.knock-state-stripped,sync.knock-state-create,sync.knock-state-pruned] [v${v}]`, async () => {
      const client = await env.newUser();
      const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
      const before = (await freshSync(client)).next_batch;
      const res = await client.do('POST', client.knockPath(knocked.room.roomId), { query: { via: [env.fake.serverName] }, body: {} });
      must.matchResponse(
        res,
        { status: 200 },
        spec('client.knock', 'POST /knock MUST answer 200 after a successful make_knock/send_knock'),
      );
      const body = await mustSyncShowing(
        client,
        before,
        (b) => sectionsListing(b, knocked.room.roomId).length > 0,
        `${knocked.room.roomId} in an incremental sync`,
        spec('sync.knock-section', 'An incremental /sync covering the knock MUST list the room under rooms.knock'),
      );
      must.equal(
        sectionsListing(body, knocked.room.roomId),
        ['knock'],
        spec('sync.knock-section', 'A knocked room MUST be listed only under rooms.knock (not join, invite or leave)'),
      );
      mustShowKnockState(body, knocked, client.userId, 'An incremental');
    });

    it(`The fake's invite accepts the knock: an incremental /sync moves the room from rooms.knock to rooms.invite, and after the user joins through the fake, to rooms.join [spec:sync.knock-accepted-to-invite,transitions.knock-to-invite,transitions.invite-accepts-knock] [v${v}]`, async () => {
      const client = await env.newUser();
      const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
      let since = await mustKnockAndSettle(env, client, knocked);

      const invite = await inviteRemoteUser(env.fake, knocked.room, { sender: knocked.host, userId: client.userId });
      must.matchResponse(
        invite.response,
        { status: 200 },
        spec(
          'federation.invite',
          'The knocking server MUST accept (countersign) an invite into a room its user knocked on: the invite is how a knock is accepted',
        ),
      );
      // "Homeservers are permitted to automatically accept invites as a result of knocks": rooms.join passes too.
      const accepted = await mustSyncShowing(
        client,
        since,
        (b) => b.rooms?.invite?.[knocked.room.roomId] !== undefined || b.rooms?.join?.[knocked.room.roomId] !== undefined,
        `${knocked.room.roomId} in rooms.invite (or rooms.join, auto-accepted)`,
        spec(
          'sync.knock-accepted-to-invite',
          'After the knock is accepted with an invite, /sync MUST list the room under rooms.invite (or rooms.join when the server auto-accepts)',
        ),
      );
      const sections = sectionsListing(accepted, knocked.room.roomId);
      must.ok(
        ['invite', 'join'].includes(sections.join(',')),
        spec(
          'sync.knock-accepted-to-invite',
          'An accepted knock MUST leave rooms.knock: the room is listed only under rooms.invite (or only under rooms.join, auto-accepted)',
        ),
        `listed in [${sections.join(', ')}]`,
      );
      since = accepted.next_batch;

      if (sections[0] === 'invite') {
        const joined = await client.do('POST', `/_matrix/client/v3/join/${encodeURIComponent(knocked.room.roomId)}`, {
          query: { via: [env.fake.serverName] },
          body: {},
        });
        must.matchResponse(
          joined,
          { status: 200, body: [match.jsonKeyEqual('room_id', knocked.room.roomId)] },
          spec('federation.joins', 'An invited user MUST be able to join the room whose knock was accepted'),
        );
      }
      must.equal(
        knocked.room.membership(client.userId),
        'join',
        spec('federation.joins', "The join MUST reach the resident server (make_join/send_join) and become the user's membership there"),
      );
      if (sections[0] === 'invite') {
        const afterJoin = await mustSyncShowing(
          client,
          since,
          (b) => b.rooms?.join?.[knocked.room.roomId] !== undefined,
          `${knocked.room.roomId} in rooms.join`,
          spec('sync.joined-room-listed', 'After joining, /sync MUST list the room under rooms.join'),
        );
        must.equal(
          sectionsListing(afterJoin, knocked.room.roomId),
          ['join'],
          spec('sync.joined-room-listed', 'After joining, the room MUST be listed only under rooms.join'),
        );
      }
    });

    it(`Rescinding a knock on a remote room: POST /leave answers 200 and /sync moves the room from rooms.knock to rooms.leave [spec:transitions.knock-to-leave.self,sync.knock-rejected-to-leave] [v${v}]`, async () => {
      const client = await env.newUser();
      const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
      const since = await mustKnockAndSettle(env, client, knocked);
      const res = await client.do('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(knocked.room.roomId)}/leave`, { body: {} });
      must.matchResponse(
        res,
        { status: 200 },
        spec('transitions.knock-to-leave.self', 'POST /rooms/{roomId}/leave MUST answer 200 when the user retracts their knock'),
      );
      const left = await mustSyncShowing(
        client,
        since,
        (b) => b.rooms?.leave?.[knocked.room.roomId] !== undefined,
        `${knocked.room.roomId} in rooms.leave`,
        spec('sync.knock-rejected-to-leave', 'A retracted knock MUST move the room to rooms.leave in /sync'),
      );
      must.equal(
        sectionsListing(left, knocked.room.roomId),
        ['leave'],
        spec('sync.knock-rejected-to-leave', 'A retracted knock MUST leave rooms.knock: the room is listed only under rooms.leave'),
      );
      const initial = await freshSync(client);
      must.equal(
        sectionsListing(initial, knocked.room.roomId).filter((s) => s !== 'leave'),
        [],
        spec(
          'sync.knock-rejected-to-leave',
          'After the knock is retracted, an initial /sync MUST NOT list the room under rooms.knock (nor join or invite)',
        ),
      );
    });

    it(`Rescinding a knock on a remote room sends a leave of the user to the resident server with make_leave/send_leave [spec:transitions.knock-to-leave.self-over-federation] [v${v}]`, async () => {
      const client = await env.newUser();
      const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
      await mustKnockAndSettle(env, client, knocked);
      const mark = env.fake.mark();
      const res = await client.do('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(knocked.room.roomId)}/leave`, { body: {} });
      must.matchResponse(
        res,
        { status: 200 },
        spec('transitions.knock-to-leave.self', 'POST /rooms/{roomId}/leave MUST answer 200 when the user retracts their knock'),
      );
      // "Servers can retract knocks over federation by leaving the room": a SHOULD, never a MUST.
      const rule =
        'A knocking server SHOULD retract a remote knock over federation by leaving the room like rejecting an invite: make_leave then send_leave to a resident server with a leave event of the user';
      let pdu;
      try {
        pdu = await env.fake.waitForPdu((p) => p.via === 'send_leave' && p.roomId === knocked.room.roomId, {
          timeoutMs: ABSENT_MS,
          since: mark,
          description: `send_leave for ${client.userId} in ${knocked.room.roomId}`,
        });
      } catch (error) {
        should.ok(false, spec('transitions.knock-to-leave.self-over-federation', rule), (error as Error).message.split('\n')[0]);
        return;
      }
      should.matchJson(
        pdu.event,
        [
          match.jsonKeyEqual('type', 'm.room.member'),
          match.jsonKeyEqual('content.membership', 'leave'),
          match.jsonKeyEqual('sender', client.userId),
          match.jsonKeyEqual('state_key', client.userId),
        ],
        spec('transitions.knock-to-leave.self-over-federation', `${rule} (the leave event)`),
      );
      should.ok(
        pdu.signatureVerified && pdu.accepted,
        spec(
          'transitions.knock-to-leave.self-over-federation',
          `${rule}: the leave is signed by the HSUT and passes the resident server's auth rules`,
        ),
        pdu.rejection,
      );
      should.equal(
        knocked.room.membership(client.userId),
        'leave',
        spec('transitions.knock-to-leave.self-over-federation', `${rule}: the user's membership on the resident server becomes leave`),
      );
    });

    it(`knock_room_state is not trusted: a forged name and power levels in send_knock's answer do not become the room's state once the user joins [spec:send_knock.accepted,sync.knock-state-stripped] [v${v}]`, async () => {
      const client = await env.newUser();
      const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
      const roomId = knocked.room.roomId;
      const realName = knocked.room.currentStateEvent('m.room.name')!.content.name;
      const forgedName = `forged name ${unique('x')}`;
      env.fake.use(
        handleSendKnock({
          wrap: async (request, next) => {
            const answer = await next();
            if (request.params.roomId !== roomId || !('status' in answer) || answer.status !== 200) return answer;
            const state = (answer.body as { knock_room_state: Array<Partial<Pdu>> }).knock_room_state;
            // The forged name keeps the rest of the entry (a PDU since v1.16, whose hash then no longer matches).
            const forged: Array<Partial<Pdu>> = state.map((e) => (e.type === 'm.room.name' ? { ...e, content: { name: forgedName } } : e));
            const forgedPowerLevels = { users: { [client.userId]: 100 }, users_default: 100 };
            if (roomStateIsPdus(judgedSpecVersion())) {
              // A properly hashed and signed PDU of the room version that is not part of the room's graph.
              forged.push(
                knocked.room.buildEvent({ type: 'm.room.power_levels', stateKey: '', sender: knocked.host, content: forgedPowerLevels })
                  .event,
              );
            } else {
              forged.push({ type: 'm.room.power_levels', state_key: '', sender: knocked.host, content: forgedPowerLevels });
            }
            return { status: 200, body: { knock_room_state: forged } };
          },
        }),
      );
      await mustKnockAndSettle(env, client, knocked);
      const invite = await inviteRemoteUser(env.fake, knocked.room, { sender: knocked.host, userId: client.userId });
      must.matchResponse(
        invite.response,
        { status: 200 },
        spec('federation.invite', 'The knocking server MUST accept an invite into a room its user knocked on'),
      );
      // Auto-accept is permitted: the user may already be joined; otherwise the user joins now.
      if (knocked.room.membership(client.userId) !== 'join') {
        const joined = await client.do('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
          query: { via: [env.fake.serverName] },
          body: {},
        });
        must.matchResponse(
          joined,
          { status: 200 },
          spec('federation.joins', 'An invited user MUST be able to join the room whose knock was accepted'),
        );
      }

      const rule =
        "knock_room_state only helps identify the room: once joined, the room's state MUST be what the room's events (send_join's state) say";
      const name = await client.do('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.name/`);
      must.matchResponse(
        name,
        { status: 200, body: [match.jsonKeyEqual('name', realName)] },
        spec('federation.joins', `${rule} (m.room.name)`),
      );
      const powerLevels = await client.do('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`);
      must.matchResponse(
        powerLevels,
        {
          status: 200,
          body: [match.jsonKeyAbsent(`users.${client.userId.replace(/\./g, '\\.')}`), match.jsonKeyEqual('users_default', 0)],
        },
        spec('federation.joins', `${rule} (m.room.power_levels)`),
      );
      const send = await client.do('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.name/`, {
        body: { name: 'renamed by a powerless user' },
      });
      should.matchResponse(
        send,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('federation.joins', `${rule}: the user has the power the room gives (0), not the one the forged power levels claimed`),
      );
    });
  }

  const v = KNOCK_VERSIONS[KNOCK_VERSIONS.length - 1];
  if (v === undefined) return;

  it(`A leave for the knocking user sent by the server it knocked through (the fake's moderator rejects the knock) moves the room to rooms.leave [spec:transitions.knock-to-leave.other,sync.knock-rejected-to-leave] [v${v}]`, async () => {
    const client = await env.newUser();
    const knocked = createFakeKnockRoom(env.fake, v, lifecycleRoom(env.fake));
    const since = await mustKnockAndSettle(env, client, knocked);
    // The HSUT is not in the room, so the fake's sendEvent would send it nowhere: build it and send it directly.
    const { event, eventId } = knocked.room.buildEvent({
      type: 'm.room.member',
      sender: knocked.host,
      stateKey: client.userId,
      content: { membership: 'leave', reason: 'knock denied' },
    });
    const verdict = knocked.room.addEvent(event, { eventId });
    must.ok(verdict.allowed, setup("the fake's moderator may deny the knock"), verdict.allowed ? undefined : verdict.rule);
    const txn = await sendTransaction(env.fake, { pdus: [event] });
    must.matchResponse(txn, { status: 200 }, setup('PUT /send answers 200 to a well-formed transaction'));
    // MSC2403 de-scoped telling the knocking server about rejections over federation; it suggests trusting a
    // leave that comes from the server knocked through. A SHOULD here: the user otherwise never learns.
    let shown: SyncBody | undefined;
    try {
      shown = await pollUntil(
        async () => {
          const body = await freshSync(client, since);
          return body.rooms?.leave?.[knocked.room.roomId] !== undefined ? body : undefined;
        },
        { timeoutMs: ABSENT_MS, description: `${knocked.room.roomId} in rooms.leave after the rejection` },
      );
    } catch {
      shown = undefined;
    }
    const rule =
      "A knocking server SHOULD accept a rejection (leave) of its user's knock from the server it knocked through, and /sync SHOULD move the room to rooms.leave (MSC2403 de-scoped this over federation)";
    if (
      should.ok(
        shown !== undefined,
        spec('transitions.rejection-reaches-knocking-server', rule),
        `no rooms.leave entry within ${ABSENT_MS} ms`,
      )
    ) {
      must.equal(
        sectionsListing(shown!, knocked.room.roomId),
        ['leave'],
        spec('sync.knock-rejected-to-leave', 'A denied knock MUST leave rooms.knock: the room is listed only under rooms.leave'),
      );
    }
  });
});
