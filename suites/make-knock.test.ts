/**
 * make_knock with the HSUT as the resident server: the fake server asks GET /_matrix/federation/v1/make_knock
 * for its own users and the HSUT answers with a template or a refusal. make_knock never changes room state, so
 * after every answer the room's members must still see the fake user's membership as it was.
 */
import type { CSClient } from '../harness/clients/cs-client';
import { authEventSelection, generateSigningKey, getRoomVersion, versionsWhere } from '../harness/core';
import { makeKnock, referencedIds } from '../harness/fake-server';
import { match, must, should } from '../harness/match';
import { createHsutRoom, KNOCK_VERSIONS, membershipOf, TEST_TIMEOUT_MS, useFederationEnvironment, waitForMembership, type HsutJoinRule, unique } from '../harness/testkit';

const enc = encodeURIComponent;
const ALL_VERSIONS = versionsWhere(() => true);

function knockRoom(owner: CSClient, roomVersion: string, joinRule: HsutJoinRule = 'knock'): Promise<string> {
  return createHsutRoom(owner, { roomVersion, joinRule, name: `make_knock v${roomVersion} ${joinRule}` });
}

/** The host part of a server name (server ACLs ignore ports). */
function hostOf(serverName: string): string {
  const ipv6 = /^\[[^\]]+\]/.exec(serverName);
  if (ipv6) return ipv6[0];
  const colon = serverName.lastIndexOf(':');
  return colon >= 0 ? serverName.slice(0, colon) : serverName;
}

async function mustHaveMembership(owner: CSClient, roomId: string, userId: string, expected: string | undefined, rule: string): Promise<void> {
  const seen = await membershipOf(owner, roomId, userId);
  must.equal(seen ?? 'none', expected ?? 'none', `${rule} (membership of ${userId} as the room owner sees it)`);
}

/**
 * A knock's auth_events are the auth events selection: create (room versions before 12), the power levels, the
 * sender's and target's member events if any, and, because the membership is knock, the join rules. Auth rule 2.2
 * rejects entries outside the selection, and the knock rule reads the join rule from auth_events, so a template
 * citing anything else yields a knock every other server rejects.
 */
async function mustCiteTheKnockAuthEvents(owner: CSClient, roomId: string, template: Record<string, any>, v: string): Promise<void> {
  const rule = 'The make_knock template\'s auth_events MUST be the auth events selection for a knock: create (before v12), power levels, the user\'s member event if any, and the join rules';
  const state = await owner.state(roomId);
  const idOf = (type: string, stateKey: string) => state.find((e) => e.type === type && e.state_key === stateKey)?.event_id;
  const expected = authEventSelection({ type: template.type, sender: template.sender, state_key: template.state_key, content: template.content }, v)
    .map(([type, stateKey]) => idOf(type, stateKey))
    .filter((id): id is string => id !== undefined)
    .sort();
  const describeIds = (ids: string[]) => ids.map((id) => `${id} (${state.find((e) => e.event_id === id)?.type ?? 'not in current state'})`);
  must.equal(describeIds([...referencedIds(template.auth_events)].sort()), describeIds(expected), rule);
}

describe('make_knock: the HSUT as resident server answers inbound make_knock requests', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  it('make_knock for a room the HSUT does not know answers 404 M_NOT_FOUND [spec:make_knock.unknown-room]', async () => {
    const user = env.fake.userId(unique('knocker'));
    const roomId = `!${unique('nowhere')}:${env.hs.serverName}`;
    const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
    must.matchResponse(res, { status: 404, errcode: 'M_NOT_FOUND' }, 'make_knock MUST answer 404 M_NOT_FOUND for a room the resident server does not know');
  });

  for (const v of KNOCK_VERSIONS) {
    const version = getRoomVersion(v);

    it(`make_knock answers 200 with a knock template for the fake user in the room's version and changes no state [spec:make_knock.template] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      const rule = 'make_knock MUST answer 200 with room_version and an m.room.member knock template for the user in the requested room';
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
            match.jsonKeyTypeOf('event.prev_events', 'array'),
            match.jsonKeyTypeOf('event.auth_events', 'array'),
          ],
        },
        rule,
      );
      should.matchJson(res.body, [match.jsonKeyTypeOf('event.origin_server_ts', 'number')], 'The make_knock template SHOULD carry origin_server_ts (the spec lists it as required)');
      await mustCiteTheKnockAuthEvents(owner, roomId, (res.body as { event: Record<string, any> }).event, v);
      await mustHaveMembership(owner, roomId, user, undefined, 'make_knock MUST NOT change room state: the template is not an event of the room until send_knock');
    });

    it(`make_knock answers 400 M_INCOMPATIBLE_ROOM_VERSION with room_version when ver lacks the room's version [spec:make_knock.incompatible-version] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS.filter((x) => x !== v) });
      must.matchResponse(
        res,
        { status: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION', body: [match.jsonKeyEqual('room_version', v)] },
        "make_knock MUST answer 400 M_INCOMPATIBLE_ROOM_VERSION with the room's room_version when ver does not list the room's version",
      );
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused make_knock MUST NOT change room state');
    });

    it(`make_knock without any ver parameter is refused with 400 [spec:make_knock.incompatible-version] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const res = await makeKnock(env.fake, roomId, user, { ver: null });
      must.matchResponse(res, { status: 400 }, 'make_knock MUST answer 400 when the required ver query parameter is missing (the request is invalid)');
      should.ok(
        res.errcode === 'M_MISSING_PARAM' || res.errcode === 'M_INCOMPATIBLE_ROOM_VERSION',
        'make_knock without ver SHOULD answer M_MISSING_PARAM (or M_INCOMPATIBLE_ROOM_VERSION)',
        `got errcode ${res.errcode ?? 'none'}`,
      );
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused make_knock MUST NOT change room state');
    });

    const otherRules: HsutJoinRule[] = ['public', 'invite', ...(version.restrictedAllowed ? (['restricted'] as HsutJoinRule[]) : [])];
    for (const joinRule of otherRules) {
      it(`make_knock answers 403 M_FORBIDDEN when the room's join rule is ${joinRule} [spec:make_knock.forbidden,auth-rules.knock.join-rule-not-knock] [v${v}]`, async () => {
        const owner = await env.newUser();
        const roomId = await knockRoom(owner, v, joinRule);
        const user = env.fake.userId(unique('knocker'));
        const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
        must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, `make_knock MUST answer 403 M_FORBIDDEN when the join rule is ${joinRule} (knock auth rule: reject unless join_rule is knock)`);
        await mustHaveMembership(owner, roomId, user, undefined, 'A refused make_knock MUST NOT change room state');
      });
    }

    it(`make_knock answers 403 M_FORBIDDEN for a user who is already joined [spec:make_knock.forbidden,auth-rules.knock.from-join] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('member'));
      await owner.invite(roomId, user);
      await env.fake.joinRemoteRoom({ roomId, userId: user });
      await waitForMembership(owner, roomId, user, 'join');
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'make_knock MUST answer 403 M_FORBIDDEN for a user who is joined (knock auth rule: reject when the sender is joined)');
      await mustHaveMembership(owner, roomId, user, 'join', 'A refused make_knock MUST NOT change room state');
    });

    it(`make_knock answers 403 M_FORBIDDEN for a user who is invited [spec:make_knock.forbidden,auth-rules.knock.from-invite] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('invitee'));
      await owner.invite(roomId, user);
      await waitForMembership(owner, roomId, user, 'invite');
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'make_knock MUST answer 403 M_FORBIDDEN for a user who is invited (knock auth rule: reject when the sender is invited)');
      await mustHaveMembership(owner, roomId, user, 'invite', 'A refused make_knock MUST NOT change room state');
    });

    it(`make_knock answers 403 M_FORBIDDEN for a user who is banned [spec:make_knock.forbidden,auth-rules.knock.from-ban] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('banned'));
      await owner.ban(roomId, user, 'not welcome');
      await waitForMembership(owner, roomId, user, 'ban');
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'make_knock MUST answer 403 M_FORBIDDEN for a banned user (knock auth rule: reject when the sender is banned)');
      await mustHaveMembership(owner, roomId, user, 'ban', 'A refused make_knock MUST NOT change room state');
    });

    it(`make_knock answers 403 M_FORBIDDEN for a user who is not on the requesting server [spec:make_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const stranger = `@${unique('stranger')}:elsewhere.invalid`;
      const res = await makeKnock(env.fake, roomId, stranger, { ver: ALL_VERSIONS });
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'make_knock MUST answer 403 M_FORBIDDEN when the user is not on the requesting (origin) server: a server may only knock for its own users');
      await mustHaveMembership(owner, roomId, stranger, undefined, 'A refused make_knock MUST NOT change room state');
    });

    it(`make_knock answers 403 M_FORBIDDEN when the room's server ACL denies the requesting server [spec:make_knock.forbidden] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const fakeHost = hostOf(env.fake.serverName);
      must.ok(fakeHost !== hostOf(env.hs.serverName), 'harness: the ACL test needs the fake and the HSUT on different hosts', `both are ${fakeHost}`);
      await owner.sendState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [fakeHost], allow_ip_literals: true });
      const user = env.fake.userId(unique('denied'));
      const res = await makeKnock(env.fake, roomId, user, { ver: ALL_VERSIONS });
      must.matchResponse(res, { status: 403, errcode: 'M_FORBIDDEN' }, 'make_knock MUST answer 403 M_FORBIDDEN when the room\'s m.room.server_acl denies the requesting server');
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused make_knock MUST NOT change room state');
    });

    it(`make_knock without a valid X-Matrix signature answers 401 M_UNAUTHORIZED [spec:make_knock.requires-auth] [v${v}]`, async () => {
      const owner = await env.newUser();
      const roomId = await knockRoom(owner, v);
      const user = env.fake.userId(unique('knocker'));
      const path = `/_matrix/federation/v1/make_knock/${enc(roomId)}/${enc(user)}`;
      const query = { ver: ALL_VERSIONS };
      const unsigned = await env.fake.request({ method: 'GET', path, query, sign: false });
      must.matchResponse(unsigned, { status: 401, errcode: 'M_UNAUTHORIZED' }, 'make_knock MUST answer 401 M_UNAUTHORIZED to a request without X-Matrix authorization');
      const forged = await env.fake.request({ method: 'GET', path, query, keyOverride: generateSigningKey(env.fake.key.keyId) });
      must.matchResponse(forged, { status: 401, errcode: 'M_UNAUTHORIZED' }, "make_knock MUST answer 401 M_UNAUTHORIZED to a request whose X-Matrix signature does not verify with the origin's key");
      await mustHaveMembership(owner, roomId, user, undefined, 'A refused make_knock MUST NOT change room state');
    });
  }
});
