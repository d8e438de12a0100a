/**
 * make_knock with the HSUT as the resident server: the fake server asks GET /_matrix/federation/v1/make_knock
 * for its own users and the HSUT answers with a template or a refusal. make_knock never changes room state, so
 * after every answer the room's members must still see the fake user's membership as it was.
 *
 * Levels, from knocks.yaml: each refusal's status is fixed by the response definition that fits it (400 invalid
 * request or version not in `ver`, 403 not permitted, 404 unknown room) and is a MUST; the errcodes are only the
 * definitions' examples, so they are SHOULDs — except that `room_version` is required when the errcode is
 * M_INCOMPATIBLE_ROOM_VERSION. Request authentication fixes no status: refusing is the MUST, 401 M_UNAUTHORIZED
 * a SHOULD. The server ACL section fixes 403 M_FORBIDDEN (both MUST).
 */
import type { CSClient } from '../harness/clients/cs-client';
import type { RawResponse } from '../harness/clients/federation-client';
import { authEventSelection, getRoomVersion, versionsWhere } from '../harness/core';
import { joinRemoteRoom, makeKnock, referencedIds } from '../harness/fake-server';
import { match, must, setup, should, spec } from '../harness/match';
import {
  createKnockRoom,
  hostOf,
  knockBarring,
  KNOCK_VERSIONS,
  mustHaveMembership,
  mustRefuseIncompatibleVersion,
  mustRequireXMatrix,
  TEST_TIMEOUT_MS,
  useFederationEnvironment,
  waitForMembership,
  type FederationEnvironment,
  type HsutJoinRule,
  type KnockBarringMembershipName,
  type UserClient,
  unique,
} from '../harness/testkit';

const enc = encodeURIComponent;
const ALL_VERSIONS = versionsWhere(() => true);
/** The suite's knock rooms are named `make_knock v<version>`. */
const ROOM = { label: 'make_knock' } as const;

/** make_knock is a read: whatever it answers, the room's state stays as it was. */
const UNCHANGED = 'make_knock MUST NOT change room state: the template is not an event of the room until send_knock';

/**
 * A knock's auth_events. MUST (the auth rules): no entry whose type and state_key the auth events selection does
 * not name (create before v12, power levels, the sender's and target's member events, the join rules), no
 * duplicate (type, state_key), the create event before v12, and the join rules (knock rule 1 reads the join rule
 * from auth_events). SHOULD ("it should be the following subset"): exactly the selection from current state.
 */
async function mustCiteKnockAuthEvents(owner: CSClient, roomId: string, template: Record<string, any>, v: string): Promise<void> {
  const version = getRoomVersion(v);
  const state = await owner.state(roomId);
  const cited = [...referencedIds(template.auth_events)];
  const cite = async (id: string): Promise<{ id: string; type?: string; state_key?: string }> => {
    const known = state.find((e) => e.event_id === id);
    if (known) return { id, type: known.type, state_key: known.state_key };
    const fetched = await owner.do('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(id)}`);
    const body = fetched.body as { type?: string; state_key?: string };
    return fetched.status === 200 ? { id, type: body.type, state_key: body.state_key } : { id };
  };
  const entries = await Promise.all(cited.map(cite));
  const label = (e: { id: string; type?: string; state_key?: string }) =>
    e.type === undefined ? `${e.id} (not an event of the room)` : `${e.type}/${e.state_key ?? '(no state_key)'}`;
  const forSelection = { type: template.type, sender: template.sender, state_key: template.state_key, content: template.content };
  const allowed = authEventSelection(forSelection, v).map(([type, stateKey]) => `${type}/${stateKey}`);
  const rule = spec('auth-rules.auth-events-allowed', "The make_knock template's auth_events MUST pass the auth rules' auth events check");

  const outside = entries.filter((e) => !allowed.includes(label(e)));
  must.equal(outside.map(label), [], {
    ...rule,
    text: `${rule.text}: no entry of a type and state_key the auth events selection does not name (${allowed.join(', ')})`,
  });
  const keys = entries.map(label);
  must.equal(
    keys.filter((k, i) => keys.indexOf(k) !== i),
    [],
    { ...rule, text: `${rule.text}: no duplicate type and state_key` },
  );
  const needed = [...(version.createInAuthEvents ? ['m.room.create/'] : []), 'm.room.join_rules/'];
  must.equal(
    needed.filter((k) => !keys.includes(k)),
    [],
    { ...rule, text: `${rule.text}: it cites ${needed.join(' and ')} (a knock without them is rejected)` },
  );

  const idOf = (type: string, stateKey: string) => state.find((e) => e.type === type && e.state_key === stateKey)?.event_id;
  const expected = authEventSelection(forSelection, v)
    .map(([type, stateKey]) => idOf(type, stateKey))
    .filter((id): id is string => id !== undefined)
    .sort();
  const describeIds = (ids: string[]) => ids.map((id) => `${id} (${state.find((e) => e.event_id === id)?.type ?? 'not in current state'})`);
  should.equal(
    describeIds([...cited].sort()),
    describeIds(expected),
    spec(
      'auth-rules.auth-events-selection',
      "The make_knock template's auth_events SHOULD be exactly the auth events selection from current state: create (before v12), power levels, the user's member event if any, and the join rules",
    ),
  );
}

/** 403 is the status the definition fixes ("not permitted to knock"); M_FORBIDDEN is its example. */
function mustForbid(res: RawResponse, when: string): void {
  must.matchResponse(res, { status: 403 }, spec('make_knock.forbidden', `make_knock MUST answer 403 ${when}`));
  should.matchResponse(
    res,
    { status: 403, errcode: 'M_FORBIDDEN' },
    spec('make_knock.forbidden', `make_knock SHOULD answer errcode M_FORBIDDEN ${when}`),
  );
}

/**
 * A fake user whom knock auth rule iv bars from knocking (joined, invited, banned), per membership: the title's
 * words, the user's localpart, what the refusal is checked for, and how the user comes to have that membership.
 */
const BARRED: Record<
  KnockBarringMembershipName,
  {
    who: string;
    localpart: string;
    when: string;
    enter(env: FederationEnvironment, owner: UserClient, roomId: string, user: string): Promise<void>;
  }
> = {
  join: {
    who: 'already joined',
    localpart: 'member',
    when: 'for a user who is joined (knock auth rule: reject when the sender is joined)',
    async enter(env, owner, roomId, user) {
      await owner.invite(roomId, user);
      await joinRemoteRoom(env.fake, { roomId, userId: user });
      await waitForMembership(owner, roomId, user, 'join');
    },
  },
  invite: {
    who: 'invited',
    localpart: 'invitee',
    when: 'for a user who is invited (knock auth rule: reject when the sender is invited)',
    async enter(_env, owner, roomId, user) {
      await owner.invite(roomId, user);
      await waitForMembership(owner, roomId, user, 'invite');
    },
  },
  ban: {
    who: 'banned',
    localpart: 'banned',
    when: 'for a banned user (knock auth rule: reject when the sender is banned)',
    async enter(_env, owner, roomId, user) {
      await owner.ban(roomId, user, 'not welcome');
      await waitForMembership(owner, roomId, user, 'ban');
    },
  },
};

describe('make_knock: the HSUT as resident server answers inbound make_knock requests', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  it('make_knock for a room the HSUT does not know answers 404 M_NOT_FOUND [spec:make_knock.unknown-room]', async () => {
    const user = env.fake.userId(unique('knocker'));
    const roomId = `!${unique('nowhere')}:${env.hs.serverName}`;
    const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
    must.matchResponse(
      res,
      { status: 404 },
      spec('make_knock.unknown-room', 'make_knock MUST answer 404 for a room the resident server does not know'),
    );
    should.matchResponse(
      res,
      { status: 404, errcode: 'M_NOT_FOUND' },
      spec('make_knock.unknown-room', 'make_knock for an unknown room SHOULD answer errcode M_NOT_FOUND (the example)'),
    );
  });

  for (const v of KNOCK_VERSIONS) {
    const version = getRoomVersion(v);

    it(`make_knock answers 200 with a knock template for the fake user in the room's version and changes no state [spec:make_knock.template,auth-rules.auth-events-allowed,auth-rules.auth-events-selection] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(
        res,
        {
          status: 200,
          body: [
            match.jsonKeyEqual('room_version', v),
            match.jsonKeyEqual('event.type', 'm.room.member'),
            match.jsonKeyEqual('event.content.membership', 'knock'),
            match.jsonKeyEqual('event.sender', user),
            match.jsonKeyEqual('event.state_key', user),
            match.jsonKeyEqual('event.room_id', roomId),
            match.jsonKeyTypeOf('event.origin_server_ts', 'number'),
            match.jsonKeyTypeOf('event.prev_events', 'array'),
            match.jsonKeyTypeOf('event.auth_events', 'array'),
          ],
        },
        spec(
          'make_knock.template',
          'make_knock MUST answer 200 with room_version and an m.room.member knock template (required: sender, state_key, type, content, origin_server_ts) for the user in the requested room, with the prev_events and auth_events the knocking server cannot choose itself',
        ),
      );
      await mustCiteKnockAuthEvents(owner, roomId, (res.body as { event: Record<string, any> }).event, v);
      await mustHaveMembership(owner, roomId, user, undefined, spec('make_knock.template', UNCHANGED));
    });

    it(`make_knock answers 400 M_INCOMPATIBLE_ROOM_VERSION with room_version when ver lacks the room's version [spec:make_knock.incompatible-version] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS.filter((x) => x !== v) });
      mustRefuseIncompatibleVersion(res, v);
      await mustHaveMembership(owner, roomId, user, undefined, spec('make_knock.incompatible-version', UNCHANGED));
    });

    it(`make_knock without any ver parameter is refused with 400 [spec:make_knock.incompatible-version] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: null });
      must.matchResponse(
        res,
        { status: 400 },
        spec(
          'make_knock.incompatible-version',
          'make_knock MUST answer 400 when the required ver query parameter is missing (the request is invalid)',
        ),
      );
      should.ok(
        res.errcode === 'M_MISSING_PARAM' || res.errcode === 'M_INCOMPATIBLE_ROOM_VERSION',
        spec('make_knock.incompatible-version', 'make_knock without ver SHOULD answer M_MISSING_PARAM (or M_INCOMPATIBLE_ROOM_VERSION)'),
        `got errcode ${res.errcode ?? 'none'}`,
      );
      if (res.errcode === 'M_INCOMPATIBLE_ROOM_VERSION') {
        must.matchJson(
          res.body,
          [match.jsonKeyEqual('room_version', v)],
          spec('make_knock.incompatible-version', "An M_INCOMPATIBLE_ROOM_VERSION answer MUST carry the room's room_version"),
        );
      }
      await mustHaveMembership(owner, roomId, user, undefined, spec('make_knock.incompatible-version', UNCHANGED));
    });

    const otherRules: HsutJoinRule[] = ['public', 'invite', ...(version.restrictedAllowed ? (['restricted'] as HsutJoinRule[]) : [])];
    for (const joinRule of otherRules) {
      it(`make_knock answers 403 M_FORBIDDEN when the room's join rule is ${joinRule} [spec:make_knock.forbidden,auth-rules.knock.join-rule-not-knock] [v${v}]`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createKnockRoom(owner, v, { joinRule, label: `make_knock ${joinRule}` });
        const user = env.fake.userId(unique('knocker'));
        const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
        mustForbid(
          res,
          `when the join rule is ${joinRule} (the room is not set up for receiving knocks; knock auth rule: reject unless join_rule is knock)`,
        );
        await mustHaveMembership(owner, roomId, user, undefined, spec('make_knock.forbidden', UNCHANGED));
      });
    }

    for (const membership of ['join', 'invite', 'ban'] as const) {
      const barred = knockBarring(membership);
      const c = BARRED[membership];
      it(`make_knock answers 403 M_FORBIDDEN for a user who is ${c.who} [spec:make_knock.forbidden,${barred.clause}] [v${v}]`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createKnockRoom(owner, v, ROOM);
        const user = env.fake.userId(unique(c.localpart));
        await c.enter(env, owner, roomId, user);
        const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
        mustForbid(res, c.when);
        await mustHaveMembership(owner, roomId, user, barred.membership, spec('make_knock.forbidden', UNCHANGED));
      });
    }

    it(`make_knock refuses a user who is not on the requesting server [spec:make_knock.user-on-origin] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const stranger = `@${unique('stranger')}:elsewhere.invalid`;
      const res = await makeKnock(env.fake, roomId, stranger, { ver: ALL_VERSIONS });
      must.ok(
        res.status === 400 || res.status === 403,
        spec(
          'make_knock.user-on-origin',
          'make_knock MUST refuse (400 invalid request, or 403 not permitted) a user ID that is not on the requesting (origin) server',
        ),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      should.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec(
          'make_knock.user-on-origin',
          'make_knock SHOULD answer 403 M_FORBIDDEN when the requesting server may not knock for that user',
        ),
      );
      await mustHaveMembership(owner, roomId, stranger, undefined, spec('make_knock.user-on-origin', UNCHANGED));
    });

    it(`make_knock answers 403 M_FORBIDDEN when the room's server ACL denies the requesting server [spec:federation.acl] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const fakeHost = hostOf(env.fake.serverName);
      must.ok(
        fakeHost !== hostOf(env.hs.serverName),
        setup('the ACL test needs the fake and the HSUT on different hosts'),
        `both are ${fakeHost}`,
      );
      await owner.sendState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [fakeHost], allow_ip_literals: true });
      const user = env.fake.userId(unique('denied'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(
        res,
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('federation.acl', "make_knock MUST answer 403 M_FORBIDDEN when the room's m.room.server_acl denies the requesting server"),
      );
      await mustHaveMembership(owner, roomId, user, undefined, spec('federation.acl', UNCHANGED));
    });

    it(`make_knock without a valid X-Matrix signature is refused and changes no state [spec:make_knock.requires-auth] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createKnockRoom(owner, v, ROOM);
      const user = env.fake.userId(unique('knocker'));
      await mustRequireXMatrix(env.fake, 'make_knock', {
        method: 'GET',
        path: `/_matrix/federation/v1/make_knock/${enc(roomId)}/${enc(user)}`,
        query: { ver: ALL_VERSIONS },
      });
      await mustHaveMembership(owner, roomId, user, undefined, spec('make_knock.requires-auth', UNCHANGED));
    });
  }
});
