/**
 * Client-server knocking on rooms the HSUT hosts: POST /_matrix/client/v3/knock/{roomIdOrAlias} by HSUT users.
 *
 * The spec (client-server API, "Knocking on rooms" and the knocking.yaml endpoint) defines:
 *   200 → `{room_id}` ("The knocked room ID must be returned in the `room_id` field");
 *   403 → the user may not knock ("The room is not set up for knocking", "The user has been banned"), example
 *         errcode M_FORBIDDEN; "Users who are currently in the room, already invited, or banned cannot knock";
 *   404 → "The room could not be found or resolved to a room ID", example errcode M_NOT_FOUND.
 * The older `POST /rooms/{roomId}/knock` of MSC2403 never made it into the spec (only /knock/{roomIdOrAlias}
 * exists, added in v1.1), so it is not tested.
 *
 * The 403 and 404 response definitions fix the status; their errcodes are examples ("A meaningful `errcode` and
 * description error text will be returned", example bodies M_FORBIDDEN / M_NOT_FOUND). So the status is MUST-level
 * and the errcode a SHOULD (a warning), and the tests named "… carries errcode …" check the errcode as a SHOULD on
 * top of the MUST status. Every refusal also checks that the membership stayed as it was (MUST: the auth rules).
 * The `reason` of a knock request "is to be included" as the event's reason: the catalogue words this as a SHOULD
 * (client.knock-reason, membership.knock-reason), so a missing or different reason is a warning.
 * `server_name` (v1.1–v1.13) and `via` (v1.12+) only matter for remote rooms; these local knocks send neither.
 */
import { getRoomVersion } from '../harness/core';
import { match, must, setup, should, spec } from '../harness/match';
import {
  KNOCK_VERSIONS,
  createHsutRoom,
  memberEventOf,
  mustHaveMembership,
  newKnockRoom,
  useFederationEnvironment,
  waitForMembership,
  type HsutJoinRule,
} from '../harness/testkit';

const { jsonKeyEqual, jsonKeyTypeOf } = match;

const RULE_200 =
  'POST /knock/{roomIdOrAlias} answers 200 with the knocked room ID in `room_id` ("The knocked room ID must be returned in the `room_id` field")';
const RULE_ALIAS =
  'POST /knock/{roomIdOrAlias} takes a room alias and knocks on the room it resolves to ("this API takes either a room ID or alias")';
const RULE_MEMBERSHIP =
  "A successful knock makes the user's m.room.member state `membership: knock`, sent by the user (m.room.member, knock)";
const RULE_REASON =
  'The knock request\'s `reason` is "included as the `reason` on the subsequent membership event" (knockRoom request body)';
const RULE_NO_REASON = 'A knock without `reason` carries no reason in its member event';
const RULE_REKNOCK =
  'A user whose membership is `knock` may knock again: 200 and the membership stays knock (auth rules, knock: allowed unless ban/invite/join)';
const RULE_BANNED =
  'A banned user cannot knock: POST /knock answers 403 ("You do not have permission to knock on the room", e.g. "The user has been banned from the room")';
const RULE_FORBIDDEN_ERRCODE =
  'A refused knock answers 403 with errcode M_FORBIDDEN (the knockRoom 403 example; "A meaningful `errcode`" is not fixed)';
const RULE_JOINED = '"Users who are currently in the room … cannot knock": POST /knock answers 403';
const RULE_INVITED = '"Users who are … already invited … cannot knock": POST /knock answers 403';
const RULE_JOIN_RULE =
  'A room whose join rule is not `knock` (or `knock_restricted`) is "not set up for knocking": POST /knock answers 403';
const RULE_UNCHANGED = "A refused knock leaves the user's membership unchanged (the knock fails the auth rules)";
const RULE_404 = 'A room that "could not be found or resolved to a room ID" answers 404 (knockRoom)';
const RULE_404_ERRCODE =
  'A room that could not be found answers 404 with errcode M_NOT_FOUND (the knockRoom 404 example; the errcode is not fixed)';

/** The suite's knock rooms are named `knock target v<version>`. */
const ROOM = { label: 'knock target' } as const;

let uniq = 0;
function unique(label: string): string {
  uniq += 1;
  return `kk-${label}-${process.pid}-${Date.now().toString(36)}-${uniq}`;
}

describe('Client API: POST /knock/{roomIdOrAlias} on rooms of the HSUT', function () {
  const env = useFederationEnvironment();

  for (const version of KNOCK_VERSIONS) {
    it(`Knocking by room ID answers 200 with the room_id and makes the user's membership knock [spec:client.knock] [spec:membership.knock] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      const response = await knocker.do('POST', knocker.knockPath(roomId), { body: {} });
      must.matchResponse(response, { status: 200, body: [jsonKeyEqual('room_id', roomId)] }, spec('client.knock', RULE_200));
      await mustHaveMembership(owner, roomId, knocker.userId, 'knock', spec('membership.knock', RULE_MEMBERSHIP));
      const event = await memberEventOf(owner, roomId, knocker.userId);
      must.matchJson(
        event,
        [jsonKeyEqual('sender', knocker.userId), jsonKeyEqual('content.membership', 'knock')],
        spec('membership.knock', RULE_MEMBERSHIP),
      );
      // No reason was given: the server should not invent one.
      should.ok(
        event?.content?.reason === undefined,
        spec('membership.knock-reason', RULE_NO_REASON),
        `content ${JSON.stringify(event?.content)}`,
      );
    });

    it(`Knocking by room alias answers 200 with the aliased room's ID and the user knocks on that room [spec:client.knock-alias] [v${version}]`, async () => {
      const aliasLocalpart = unique(`alias-v${version}`);
      const { owner, roomId } = await newKnockRoom(env, version, { ...ROOM, aliasLocalpart });
      const alias = `#${aliasLocalpart}:${env.hs.serverName}`;
      const knocker = await env.newUser();
      const response = await knocker.do('POST', knocker.knockPath(alias), { body: {} });
      must.matchResponse(
        response,
        { status: 200, body: [jsonKeyTypeOf('room_id', 'string'), jsonKeyEqual('room_id', roomId)] },
        spec('client.knock-alias', RULE_ALIAS),
      );
      await mustHaveMembership(owner, roomId, knocker.userId, 'knock', spec('client.knock-alias', RULE_ALIAS));
    });

    it(`The knock's reason lands in the knock member event the room owner reads back [spec:client.knock-reason] [spec:membership.knock-reason] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      const reason = `please let me in (v${version}) ✓`;
      const response = await knocker.do('POST', knocker.knockPath(roomId), { body: { reason } });
      must.matchResponse(response, { status: 200, body: [jsonKeyEqual('room_id', roomId)] }, spec('client.knock', RULE_200));
      const event = await memberEventOf(owner, roomId, knocker.userId);
      must.matchJson(
        event,
        [jsonKeyEqual('sender', knocker.userId), jsonKeyEqual('content.membership', 'knock')],
        spec('membership.knock', RULE_MEMBERSHIP),
      );
      should.matchJson(event, [jsonKeyEqual('content.reason', reason)], spec('client.knock-reason', RULE_REASON));
    });

    it(`Knocking again while already knocking answers 200 and the membership stays knock with the new reason [spec:auth-rules.knock.from-knock] [spec:client.knock] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      await knocker.knock(roomId, { reason: 'first knock' });
      await mustHaveMembership(owner, roomId, knocker.userId, 'knock', setup('the first knock is in place'));
      const again = await knocker.do('POST', knocker.knockPath(roomId), { body: { reason: 'second knock' } });
      must.matchResponse(
        again,
        { status: 200, body: [jsonKeyEqual('room_id', roomId)] },
        spec('auth-rules.knock.from-knock', RULE_REKNOCK),
      );
      const event = await memberEventOf(owner, roomId, knocker.userId);
      must.matchJson(event, [jsonKeyEqual('content.membership', 'knock')], spec('auth-rules.knock.from-knock', RULE_REKNOCK));
      // The spec does not say a repeated knock must make a new event; if it does, it carries the new reason.
      should.matchJson(
        event,
        [jsonKeyEqual('content.reason', 'second knock')],
        spec('client.knock-reason', `${RULE_REASON}: the repeated knock's reason replaces the first`),
      );
    });

    it(`A banned user's knock is refused with 403 and the user stays banned [spec:client.knock-forbidden] [spec:auth-rules.knock.from-ban] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      await owner.ban(roomId, knocker.userId, 'no knocking');
      await waitForMembership(owner, roomId, knocker.userId, 'ban');
      const response = await knocker.do('POST', knocker.knockPath(roomId), { body: { reason: 'sorry' } });
      must.matchResponse(response, { status: 403 }, spec('client.knock-forbidden', RULE_BANNED));
      await mustHaveMembership(owner, roomId, knocker.userId, 'ban', spec('auth-rules.knock.from-ban', RULE_UNCHANGED));
    });

    it(`A banned user's refused knock carries errcode M_FORBIDDEN [spec:client.knock-forbidden] [spec:auth-rules.knock.from-ban] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      await owner.ban(roomId, knocker.userId);
      await waitForMembership(owner, roomId, knocker.userId, 'ban');
      const response = await knocker.do('POST', knocker.knockPath(roomId), { body: {} });
      must.matchResponse(response, { status: 403 }, spec('client.knock-forbidden', RULE_BANNED));
      should.matchResponse(response, { status: 403, errcode: 'M_FORBIDDEN' }, spec('client.knock-forbidden', RULE_FORBIDDEN_ERRCODE));
      await mustHaveMembership(owner, roomId, knocker.userId, 'ban', spec('auth-rules.knock.from-ban', RULE_UNCHANGED));
    });

    it(`A joined member's knock is refused with 403 M_FORBIDDEN and the member stays joined [spec:client.knock-forbidden] [spec:auth-rules.knock.from-join] [v${version}]`, async () => {
      // A public room the member joined, then switched to `knock`, so that the join rule itself allows knocks.
      const { owner, roomId } = await newKnockRoom(env, version, { ...ROOM, joinRule: 'public' });
      const member = await env.newUser();
      await member.join(roomId);
      await owner.sendState(roomId, 'm.room.join_rules', '', { join_rule: 'knock' });
      await waitForMembership(owner, roomId, member.userId, 'join');
      const response = await member.do('POST', member.knockPath(roomId), { body: {} });
      must.matchResponse(response, { status: 403 }, spec('client.knock-forbidden', RULE_JOINED));
      should.matchResponse(response, { status: 403, errcode: 'M_FORBIDDEN' }, spec('client.knock-forbidden', RULE_FORBIDDEN_ERRCODE));
      await mustHaveMembership(owner, roomId, member.userId, 'join', spec('auth-rules.knock.from-join', RULE_UNCHANGED));
    });

    it(`An invited user's knock is refused with 403 M_FORBIDDEN and the invite stands [spec:client.knock-forbidden] [spec:auth-rules.knock.from-invite] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const invitee = await env.newUser();
      await owner.invite(roomId, invitee.userId);
      await waitForMembership(owner, roomId, invitee.userId, 'invite');
      const response = await invitee.do('POST', invitee.knockPath(roomId), { body: {} });
      must.matchResponse(response, { status: 403 }, spec('client.knock-forbidden', RULE_INVITED));
      should.matchResponse(response, { status: 403, errcode: 'M_FORBIDDEN' }, spec('client.knock-forbidden', RULE_FORBIDDEN_ERRCODE));
      await mustHaveMembership(owner, roomId, invitee.userId, 'invite', spec('auth-rules.knock.from-invite', RULE_UNCHANGED));
    });

    const refusingRules: HsutJoinRule[] = ['public', 'invite'];
    if (getRoomVersion(version).restrictedAllowed) refusingRules.push('restricted');
    for (const joinRule of refusingRules) {
      it(`A knock on a room with join rule ${joinRule} is refused with 403 M_FORBIDDEN and gives the user no membership [spec:client.knock-forbidden] [spec:join-rules.knock-only-with-knock-rule] [spec:auth-rules.knock.join-rule-not-knock] [v${version}]`, async () => {
        const owner = await env.roomOwner();
        // restricted: the allow list names a room the knocker is not in, so nothing lets them in either way.
        const otherRoom = joinRule === 'restricted' ? await createHsutRoom(owner, { roomVersion: version, joinRule: 'invite' }) : undefined;
        const roomId = await createHsutRoom(owner, {
          roomVersion: version,
          joinRule,
          ...(otherRoom ? { allowRooms: [otherRoom] } : {}),
        });
        const knocker = await env.newUser();
        const response = await knocker.do('POST', knocker.knockPath(roomId), { body: { reason: 'may I?' } });
        must.matchResponse(response, { status: 403 }, spec('client.knock-forbidden', RULE_JOIN_RULE));
        should.matchResponse(response, { status: 403, errcode: 'M_FORBIDDEN' }, spec('client.knock-forbidden', RULE_FORBIDDEN_ERRCODE));
        await mustHaveMembership(owner, roomId, knocker.userId, undefined, spec('auth-rules.knock.join-rule-not-knock', RULE_UNCHANGED));
      });
    }
  }

  // An unknown room ID on the HSUT's own domain with no `via`: the HSUT is the only server that could know it.
  it('A knock on an unknown room ID (no via servers) is refused with 404 [spec:client.knock]', async () => {
    const knocker = await env.newUser();
    const response = await knocker.do('POST', knocker.knockPath(`!${unique('nosuchroom')}:${env.hs.serverName}`), { body: {} });
    must.matchResponse(response, { status: 404 }, spec('client.knock-not-found', RULE_404));
  });

  it('A knock on an unknown room ID (no via servers) answers errcode M_NOT_FOUND [spec:client.knock]', async () => {
    const knocker = await env.newUser();
    const response = await knocker.do('POST', knocker.knockPath(`!${unique('nosuchroom')}:${env.hs.serverName}`), { body: {} });
    must.matchResponse(response, { status: 404 }, spec('client.knock-not-found', RULE_404));
    should.matchResponse(response, { status: 404, errcode: 'M_NOT_FOUND' }, spec('client.knock-not-found', RULE_404_ERRCODE));
  });

  it('A knock on an unknown alias of the HSUT is refused with 404 M_NOT_FOUND [spec:client.knock-alias]', async () => {
    const knocker = await env.newUser();
    const response = await knocker.do('POST', knocker.knockPath(`#${unique('nosuchalias')}:${env.hs.serverName}`), { body: {} });
    must.matchResponse(response, { status: 404 }, spec('client.knock-not-found', RULE_404));
    should.matchResponse(response, { status: 404, errcode: 'M_NOT_FOUND' }, spec('client.knock-not-found', RULE_404_ERRCODE));
  });
});
