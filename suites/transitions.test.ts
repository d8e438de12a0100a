/**
 * Membership transitions out of `knock` in rooms the HSUT hosts: accept (invite), rescind (leave by the
 * knocker), reject (leave by another user, i.e. a kick), ban / unban, knocking again, and the power a member
 * needs for each. The knocker is a fake user (make_knock/send_knock) or, for the local path, a second HSUT user
 * (POST /knock); HSUT members act through the client API.
 *
 * Spec: client-server API "Knocking on rooms" and m.room.member; rooms v7+ authorization rules for
 * membership invite / leave / ban / join (a knock room behaves like an invite room for joins).
 */
import type { CSClient } from '../harness/clients/cs-client';
import { getRoomVersion } from '../harness/core';
import {
  completeTemplate,
  joinRemoteRoom,
  knockOn,
  leaveRoom,
  makeKnock,
  type FakeServer,
  type Pdu,
  type PduRecord,
} from '../harness/fake-server';
import { match, must, should, spec, type ClauseRule, type MatchableResponse } from '../harness/match';
import { isClaimed } from '../harness/match/rule';
import {
  KNOCK_VERSIONS,
  TIMEOUT_SCALE,
  createHsutRoom,
  membershipOf,
  newKnockRoom,
  useFederationEnvironment,
  type FederationEnvironment,
  type UserClient,
  unique,
} from '../harness/testkit';

const enc = encodeURIComponent;

const ACCEPT = 'Knocking on rooms: a member with the invite power level accepts a knock by inviting the knocking user (knock → invite)';
const ACCEPT_POWER =
  "Auth rules, membership invite: if the sender's power level is below the invite level, reject — a member below the invite level cannot accept a knock";
const RESCIND = 'Knocking on rooms: the knocking user withdraws the knock by leaving (knock → leave by the sender is allowed)';
const RESCIND_FED = 'Federation: a remote knock is withdrawn with make_leave/send_leave (knock → leave by the knocker)';
const REJECT = "Knocking on rooms: a member with the kick power level rejects a knock by setting the knocker's membership to leave";
const REJECT_POWER =
  "Auth rules, membership leave of another user: if the sender's power level is below the kick level, or not greater than the target's, reject — such a member cannot reject a knock";
const REJECT_SENT =
  "Knock rejection over federation (MSC2403 left it out of scope, so a SHOULD at most): the rejection (leave) of a remote knock reaches the knocking user's homeserver, which has no one in the room to learn it from otherwise";
const BAN = 'Knocking on rooms: banning a knocking user rejects the knock (knock → ban) and the banned user cannot knock again';
const BANNED_KNOCK = 'Knock auth rule iv (rooms v7+): a sender whose current membership is ban may not knock';
const UNBAN =
  "Knock auth rule iii (rooms v7+): after an unban the user's membership is leave, which is not ban, invite or join, so knocking is allowed";
const AFTER_LEAVE =
  "Knock auth rule iii (rooms v7+): if the sender's current membership is not ban, invite, or join, allow — a rejected (kicked) knocker may knock again";
const NO_JOIN =
  'Auth rules, membership join (rooms v7+): if the join_rule is invite or knock, allow only if the sender is invited or joined — a knocking user cannot join without an invite';

/** A fake user knocks through make_knock/send_knock; the knock must be accepted (a precondition of the test). */
async function mustKnockAsFakeUser(fake: FakeServer, owner: CSClient, roomId: string, prefix = 'knocker'): Promise<string> {
  const knocker = fake.userId(unique(prefix));
  const knock = await knockOn(fake, roomId, knocker);
  must.matchResponse(
    knock.send ?? knock.make,
    { status: 200 },
    spec(
      'auth-rules.knock.from-leave',
      'Precondition (knock auth rule iii): make_knock/send_knock of a user with no membership in a knock room succeed',
    ),
  );
  must.equal(
    await membershipOf(owner, roomId, knocker),
    'knock',
    spec('auth-rules.knock.from-leave', 'Precondition (knock auth rule iii): the knock is room state'),
  );
  return knocker;
}

async function mustKnockAsLocalUser(env: FederationEnvironment, owner: CSClient, roomId: string): Promise<UserClient> {
  const user = await env.newUser();
  const res = await user.do('POST', user.knockPath(roomId), { body: { reason: 'please' } });
  must.matchResponse(
    res,
    { status: 200 },
    spec(
      'auth-rules.knock.from-leave',
      'Precondition (knock auth rule iii): POST /knock of a user with no membership in a knock room answers 200',
    ),
  );
  must.equal(
    await membershipOf(owner, roomId, user.userId),
    'knock',
    spec('auth-rules.knock.from-leave', 'Precondition (knock auth rule iii): the knock is room state'),
  );
  return user;
}

function membershipCall(actor: CSClient, action: 'invite' | 'kick' | 'ban' | 'unban', roomId: string, userId: string) {
  return actor.do('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/${action}`, { body: { user_id: userId } });
}

/** A knock room with a moderator (power 50) and a plain member (0); invite, kick and ban need 50. */
async function roomWithRanks(env: FederationEnvironment, roomVersion: string, extraUsers: Record<string, number> = {}) {
  const owner = await env.roomOwner();
  const moderator = await env.newUser();
  const member = await env.newUser();
  const version = getRoomVersion(roomVersion);
  const users: Record<string, number> = {
    // From v12 the creator has infinite power and must not be listed.
    ...(version.creatorsHaveInfinitePower ? {} : { [owner.userId]: 100 }),
    [moderator.userId]: 50,
    ...extraUsers,
  };
  const roomId = await createHsutRoom(owner, {
    roomVersion,
    joinRule: 'knock',
    invite: [moderator.userId, member.userId],
    powerLevels: { users, users_default: 0, invite: 50, kick: 50, ban: 50 },
  });
  await moderator.join(roomId);
  await member.join(roomId);
  return { owner, moderator, member, roomId };
}

type ForbiddenClause =
  | 'transitions.invite-refused-403'
  | 'transitions.kick-refused-403'
  | 'transitions.join-refused-403'
  | 'transitions.make-join-refused-403'
  | 'transitions.send-join-refused-403'
  | 'make_knock.forbidden'
  | 'client.knock-forbidden';

/**
 * After an accepted knock of a local user the HSUT is the knocking server too: it is "permitted to automatically
 * accept invites as a result of knocks", so the user's membership is invite, or join when it auto-accepted.
 */
async function mustHaveAcceptedKnock(owner: CSClient, roomId: string, userId: string): Promise<void> {
  const membership = await membershipOf(owner, roomId, userId);
  must.ok(
    membership === 'invite' || membership === 'join',
    spec(
      'transitions.knock-to-invite',
      `${ACCEPT}: the knocker's membership becomes invite (or join, where the HSUT auto-accepts the invite for its user)`,
    ),
    `membership is ${membership ?? 'none'}`,
  );
}

/** The owner rejects the knock with a kick: POST /kick answers 200 and the knocker's membership is leave. */
async function mustRejectKnock(owner: CSClient, roomId: string, knocker: string): Promise<void> {
  must.matchResponse(
    await membershipCall(owner, 'kick', roomId, knocker),
    { status: 200 },
    spec('transitions.knock-to-leave.other', `${REJECT}: POST /kick must answer 200`),
  );
  must.equal(
    await membershipOf(owner, roomId, knocker),
    'leave',
    spec('transitions.knock-to-leave.other', `${REJECT}: the knocker's membership becomes leave`),
  );
}

/**
 * make_join/send_join of a knocking user who is not invited: refused (no 2xx) by the join auth rules in every spec
 * version; the 403 response ("does not permit the user to join") exists from v1.2 on, so the status is only claimed
 * there, and its errcode is an example (SHOULD).
 */
function mustRefuseJoin(res: MatchableResponse, endpoint: 'make_join' | 'send_join', status: ClauseRule<ForbiddenClause>): void {
  must.ok(
    res.status < 200 || res.status >= 300,
    spec('join-rules.knock-needs-invite-to-join', `${NO_JOIN}: ${endpoint} must refuse the join of a knocking user who is not invited`),
    `${endpoint} answered ${res.status}`,
  );
  if (isClaimed(status)) mustAnswerForbidden(res, status);
}

/** A refusal whose status the endpoint's definition fixes (MUST); its errcode is only an example body (SHOULD). */
function mustAnswerForbidden(res: MatchableResponse, status: ClauseRule<ForbiddenClause>): void {
  must.matchResponse(res, { status: 403 }, status);
  should.matchResponse(
    res,
    { status: 403, errcode: 'M_FORBIDDEN' },
    spec(status.clause.id, `${status.text}; the 403 should carry errcode M_FORBIDDEN (the example of the 403 response)`),
  );
}

describe('Membership transitions from knock in rooms the HSUT hosts', function () {
  const env = useFederationEnvironment();

  for (const roomVersion of KNOCK_VERSIONS) {
    const tag = `[v${roomVersion}]`;

    describe(`accept: knock → invite → join ${tag}`, () => {
      it(`An HSUT member accepts a fake user's knock: the invite reaches the fake over /v2/invite, signed by the HSUT, and the user then joins [spec:transitions.knock-to-invite,federation.invite,join-rules.knock-needs-invite-to-join] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        const since = env.fake.mark();
        must.matchResponse(
          await membershipCall(owner, 'invite', roomId, knocker),
          { status: 200 },
          spec('transitions.knock-to-invite', `${ACCEPT}: POST /invite must answer 200`),
        );
        const invite = await env.fake.waitForPdu((p) => p.via === 'invite' && p.roomId === roomId && p.event.state_key === knocker, {
          since,
          timeoutMs: 15_000 * TIMEOUT_SCALE,
          description: `the invite of ${knocker} over PUT /_matrix/federation/v2/invite`,
        });
        must.matchJson(
          invite.event,
          [
            match.jsonKeyEqual('type', 'm.room.member'),
            match.jsonKeyEqual('content.membership', 'invite'),
            match.jsonKeyEqual('state_key', knocker),
            match.jsonKeyEqual('sender', owner.userId),
            match.jsonKeyEqual('room_id', roomId),
          ],
          spec('federation.invite', `${ACCEPT}: the HSUT asks the knocking user's server to sign the invite event`),
        );
        must.ok(
          invite.signatureVerified,
          spec('federation.invite', `${ACCEPT}: the invite event carries a valid signature of the HSUT`),
          invite.rejection,
        );
        // The fake (the knocking server) does not auto-accept, so the room's state shows the invite.
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'invite',
          spec('transitions.knock-to-invite', `${ACCEPT}: the knocker's membership becomes invite`),
        );
        const join = await joinRemoteRoom(env.fake, { roomId, userId: knocker }).catch((error: Error) => error);
        must.ok(
          !(join instanceof Error),
          spec(
            'join-rules.knock-needs-invite-to-join',
            `${ACCEPT}: an invited (formerly knocking) user may join (make_join/send_join succeed)`,
          ),
          join instanceof Error ? join.message : undefined,
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'join',
          spec('join-rules.knock-needs-invite-to-join', `${ACCEPT}: after the join the user is a member`),
        );
      });

      it(`An HSUT member accepts a local user's knock: invite answers 200, membership invite, and the user can join [spec:transitions.knock-to-invite,join-rules.knock-needs-invite-to-join] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const user = await mustKnockAsLocalUser(env, owner, roomId);
        must.matchResponse(
          await membershipCall(owner, 'invite', roomId, user.userId),
          { status: 200 },
          spec('transitions.knock-to-invite', `${ACCEPT}: POST /invite must answer 200`),
        );
        await mustHaveAcceptedKnock(owner, roomId, user.userId);
        const join = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
        must.matchResponse(
          join,
          { status: 200 },
          spec('join-rules.knock-needs-invite-to-join', `${ACCEPT}: the invited user may join (POST /join must answer 200)`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'join',
          spec('join-rules.knock-needs-invite-to-join', `${ACCEPT}: after the join the user is a member`),
        );
      });

      it(`A member below the invite level cannot accept a knock: invite answers 403 M_FORBIDDEN and the user stays knocking [spec:transitions.knock-to-invite.insufficient-power,transitions.invite-refused-403] ${tag}`, async () => {
        const { owner, member, roomId } = await roomWithRanks(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        const res = await membershipCall(member, 'invite', roomId, knocker);
        mustAnswerForbidden(res, spec('transitions.invite-refused-403', `${ACCEPT_POWER}: POST /invite must answer 403`));
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('transitions.knock-to-invite.insufficient-power', `${ACCEPT_POWER}: the user stays knocking`),
        );
      });

      it(`A moderator with the invite level accepts a local user's knock [spec:transitions.knock-to-invite] ${tag}`, async () => {
        const { owner, moderator, roomId } = await roomWithRanks(env, roomVersion);
        const user = await mustKnockAsLocalUser(env, owner, roomId);
        must.matchResponse(
          await membershipCall(moderator, 'invite', roomId, user.userId),
          { status: 200 },
          spec('transitions.knock-to-invite', `${ACCEPT}: POST /invite by a member at the invite level must answer 200`),
        );
        await mustHaveAcceptedKnock(owner, roomId, user.userId);
      });
    });

    describe(`rescind: knock → leave by the knocker ${tag}`, () => {
      it(`A fake user withdraws its knock with make_leave/send_leave: membership leave [spec:transitions.knock-to-leave.self-over-federation,auth-rules.leave.from-knock] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        const leave = await leaveRoom(env.fake, roomId, knocker);
        // "Servers can retract knocks over federation by leaving the room": a can, so the handshake is a SHOULD.
        if (
          !should.matchResponse(
            leave.make,
            { status: 200 },
            spec('transitions.knock-to-leave.self-over-federation', `${RESCIND_FED}: make_leave should answer 200 to a knocking user`),
          )
        )
          return;
        if (
          !should.matchResponse(
            leave.send!,
            { status: 200 },
            spec(
              'transitions.knock-to-leave.self-over-federation',
              `${RESCIND_FED}: send_leave should answer 200 to a knocking user's leave`,
            ),
          )
        )
          return;
        // Once send_leave accepted the leave, the auth rules allow it (knock → leave by the sender): it is room state.
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'leave',
          spec('auth-rules.leave.from-knock', `${RESCIND_FED}: send_leave accepted the leave, so the knocker's membership becomes leave`),
        );
      });

      it(`A local user withdraws its knock through POST /leave: membership leave [spec:transitions.knock-to-leave.self] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const user = await mustKnockAsLocalUser(env, owner, roomId);
        const res = await user.do('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: {} });
        must.matchResponse(res, { status: 200 }, spec('transitions.knock-to-leave.self', `${RESCIND}: POST /leave must answer 200`));
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'leave',
          spec('transitions.knock-to-leave.self', `${RESCIND}: the knocker's membership becomes leave`),
        );
      });
    });

    describe(`reject: knock → leave by a moderator ${tag}`, () => {
      it(`An HSUT moderator rejects a fake user's knock: kick answers 200 and the membership becomes leave [spec:transitions.knock-to-leave.other] ${tag}`, async () => {
        const { owner, moderator, roomId } = await roomWithRanks(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        must.matchResponse(
          await membershipCall(moderator, 'kick', roomId, knocker),
          { status: 200 },
          spec('transitions.knock-to-leave.other', `${REJECT}: POST /kick by a member at the kick level must answer 200`),
        );
        const member = (await owner.state(roomId)).find((e) => e.type === 'm.room.member' && e.state_key === knocker);
        must.equal(
          member?.content?.membership,
          'leave',
          spec('transitions.knock-to-leave.other', `${REJECT}: the knocker's membership becomes leave`),
        );
        must.equal(
          member?.sender,
          moderator.userId,
          spec('transitions.knock-to-leave.other', `${REJECT}: the leave is sent by the moderator`),
        );
      });

      it(`The rejection of a fake user's knock is sent to the knocking server [spec:transitions.knock-to-leave.other,transitions.rejection-reaches-knocking-server] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        // A sentinel room where the fake is resident: the HSUT's messages to the fake server go out in order, so once a
        // later message in the sentinel room arrives, anything the HSUT meant to send before it has been sent.
        const witness = env.fake.userId(unique('witness'));
        const sentinelRoom = await createHsutRoom(owner, { roomVersion, joinRule: 'invite', invite: [witness] });
        await joinRemoteRoom(env.fake, { roomId: sentinelRoom, userId: witness });
        const since = env.fake.mark();
        await mustRejectKnock(owner, roomId, knocker);
        const sentinel = await owner.sendMessage(sentinelRoom, 'sentinel after the rejection');
        const rejected = (p: PduRecord) =>
          p.roomId === roomId &&
          p.event.state_key === knocker &&
          (p.event.content as { membership?: unknown } | undefined)?.membership === 'leave';
        await env.fake.waitForPdu((p) => p.eventId === sentinel.event_id || rejected(p), {
          since,
          timeoutMs: 15_000 * TIMEOUT_SCALE,
          description: 'the rejection or a later message in the sentinel room',
        });
        const arrived = await env.fake
          .waitForPdu(rejected, { since, timeoutMs: 1_000 * TIMEOUT_SCALE, description: `the leave of ${knocker} (the rejection)` })
          .catch(() => undefined);
        // MSC2403 left telling the knocking server about a rejection out of scope: the client "will have to watch for
        // updates regarding the acceptance/rejection of the knock". A warning at most.
        should.ok(
          arrived,
          spec(
            'transitions.rejection-reaches-knocking-server',
            `${REJECT_SENT}: an m.room.member leave for ${knocker} in ${roomId} should reach the fake server`,
          ),
          'none arrived (checked after a later event to the same server arrived)',
        );
      });

      it(`An HSUT moderator rejects a local user's knock: kick answers 200 and the membership becomes leave [spec:transitions.knock-to-leave.other] ${tag}`, async () => {
        const { owner, moderator, roomId } = await roomWithRanks(env, roomVersion);
        const user = await mustKnockAsLocalUser(env, owner, roomId);
        must.matchResponse(
          await membershipCall(moderator, 'kick', roomId, user.userId),
          { status: 200 },
          spec('transitions.knock-to-leave.other', `${REJECT}: POST /kick by a member at the kick level must answer 200`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'leave',
          spec('transitions.knock-to-leave.other', `${REJECT}: the knocker's membership becomes leave`),
        );
      });

      it(`A member below the kick level cannot reject a knock: kick answers 403 M_FORBIDDEN and the user stays knocking [spec:transitions.knock-to-leave.other-insufficient-power,transitions.kick-refused-403] ${tag}`, async () => {
        const { owner, member, roomId } = await roomWithRanks(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        const res = await membershipCall(member, 'kick', roomId, knocker);
        mustAnswerForbidden(res, spec('transitions.kick-refused-403', `${REJECT_POWER}: POST /kick must answer 403`));
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('transitions.knock-to-leave.other-insufficient-power', `${REJECT_POWER}: the user stays knocking`),
        );
      });

      it(`A moderator cannot reject the knock of a user whose power level is not below theirs: kick answers 403 M_FORBIDDEN [spec:transitions.knock-to-leave.other-insufficient-power,transitions.kick-refused-403] ${tag}`, async () => {
        const knocker = env.fake.userId(unique('powerful'));
        const { owner, moderator, roomId } = await roomWithRanks(env, roomVersion, { [knocker]: 50 });
        const knock = await knockOn(env.fake, roomId, knocker);
        must.matchResponse(
          knock.send ?? knock.make,
          { status: 200 },
          spec('auth-rules.knock.from-leave', 'Precondition (knock auth rule iii): the knock of a user with no membership is accepted'),
        );
        const res = await membershipCall(moderator, 'kick', roomId, knocker);
        mustAnswerForbidden(
          res,
          spec('transitions.kick-refused-403', `${REJECT_POWER}: POST /kick must answer 403 (moderator 50, knocker 50)`),
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('transitions.knock-to-leave.other-insufficient-power', `${REJECT_POWER}: the user stays knocking`),
        );
      });

      it(`A fake user whose knock was rejected may knock again: state knock [spec:auth-rules.knock.from-leave,transitions.knock-to-leave.other] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        await mustRejectKnock(owner, roomId, knocker);
        const again = await knockOn(env.fake, roomId, knocker, { content: { reason: 'second try' } });
        must.matchResponse(again.make, { status: 200 }, spec('auth-rules.knock.from-leave', `${AFTER_LEAVE}: make_knock must answer 200`));
        must.matchResponse(again.send!, { status: 200 }, spec('auth-rules.knock.from-leave', `${AFTER_LEAVE}: send_knock must answer 200`));
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('auth-rules.knock.from-leave', `${AFTER_LEAVE}: the new knock is room state`),
        );
      });
    });

    describe(`ban: knock → ban, unban → knock ${tag}`, () => {
      it(`Banning a knocking fake user sets ban; its next knock is refused with 403 M_FORBIDDEN; after an unban it may knock again [spec:transitions.knock-to-ban,transitions.knock-to-ban.sets-ban,make_knock.forbidden,transitions.unban-to-leave,auth-rules.knock.from-leave] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        must.matchResponse(
          await membershipCall(owner, 'ban', roomId, knocker),
          { status: 200 },
          spec('transitions.knock-to-leave.other', `${BAN}: POST /ban by the room creator (ban level) must answer 200`),
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'ban',
          spec('transitions.knock-to-ban.sets-ban', `${BAN}: the knocker's membership becomes ban`),
        );
        const refused = await makeKnock(env.fake, roomId, knocker);
        mustAnswerForbidden(refused, spec('make_knock.forbidden', `${BANNED_KNOCK}: make_knock must answer 403 (the user is banned)`));
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'ban',
          spec('transitions.knock-to-ban', `${BANNED_KNOCK}: the user stays banned`),
        );
        must.matchResponse(
          await membershipCall(owner, 'unban', roomId, knocker),
          { status: 200 },
          spec('transitions.unban-to-leave', 'POST /unban by the room creator must answer 200'),
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'leave',
          spec('transitions.unban-to-leave', 'An unban sets the membership to leave'),
        );
        const again = await knockOn(env.fake, roomId, knocker);
        must.matchResponse(again.make, { status: 200 }, spec('auth-rules.knock.from-leave', `${UNBAN}: make_knock must answer 200`));
        must.matchResponse(again.send!, { status: 200 }, spec('auth-rules.knock.from-leave', `${UNBAN}: send_knock must answer 200`));
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('auth-rules.knock.from-leave', `${UNBAN}: the new knock is room state`),
        );
      });

      it(`Banning a knocking local user sets ban; its next knock is refused with 403; after an unban it may knock again [spec:transitions.knock-to-ban,transitions.knock-to-ban.sets-ban,client.knock-forbidden,transitions.unban-to-leave,auth-rules.knock.from-leave] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const user = await mustKnockAsLocalUser(env, owner, roomId);
        must.matchResponse(
          await membershipCall(owner, 'ban', roomId, user.userId),
          { status: 200 },
          spec('transitions.knock-to-leave.other', `${BAN}: POST /ban by the room creator (ban level) must answer 200`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'ban',
          spec('transitions.knock-to-ban.sets-ban', `${BAN}: the knocker's membership becomes ban`),
        );
        const refused = await user.do('POST', user.knockPath(roomId), { body: {} });
        mustAnswerForbidden(
          refused,
          spec('client.knock-forbidden', `${BANNED_KNOCK}: POST /knock must answer 403 (the user has been banned from the room)`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'ban',
          spec('transitions.knock-to-ban', `${BANNED_KNOCK}: the user stays banned`),
        );
        must.matchResponse(
          await membershipCall(owner, 'unban', roomId, user.userId),
          { status: 200 },
          spec('transitions.unban-to-leave', 'POST /unban by the room creator must answer 200'),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'leave',
          spec('transitions.unban-to-leave', 'An unban sets the membership to leave'),
        );
        const again = await user.do('POST', user.knockPath(roomId), { body: { reason: 'sorry' } });
        must.matchResponse(again, { status: 200 }, spec('auth-rules.knock.from-leave', `${UNBAN}: POST /knock must answer 200`));
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'knock',
          spec('auth-rules.knock.from-leave', `${UNBAN}: the new knock is room state`),
        );
      });
    });

    describe(`no join without an invite: knock → join is refused ${tag}`, () => {
      it(`A knocking fake user cannot join: make_join and send_join answer 403 M_FORBIDDEN and the user stays knocking [spec:transitions.knock-to-join-refused,join-rules.knock-needs-invite-to-join,transitions.make-join-refused-403,transitions.send-join-refused-403] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const knocker = await mustKnockAsFakeUser(env.fake, owner, roomId);
        const makeJoin = await env.fake.request({
          method: 'GET',
          path: `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(knocker)}`,
          query: { ver: [roomVersion] },
        });
        mustRefuseJoin(
          makeJoin,
          'make_join',
          spec('transitions.make-join-refused-403', `${NO_JOIN}: make_join must answer 403 (the room does not permit the user to join)`),
        );
        // A join the fake builds itself from a (re-)knock template: same auth events as a join would cite.
        const template = await makeKnock(env.fake, roomId, knocker);
        must.matchResponse(
          template,
          { status: 200 },
          spec(
            'auth-rules.knock.from-knock',
            'Precondition (knock auth rule iii): make_knock answers 200 to a knocking user (a repeated knock is allowed)',
          ),
        );
        const { event: tpl, room_version: version } = template.body as { event: Pdu; room_version: string };
        const { event, eventId } = completeTemplate(env.fake, { ...tpl, content: { membership: 'join' } }, version);
        const sendJoin = await env.fake.request({
          method: 'PUT',
          path: `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(eventId)}`,
          body: event,
        });
        mustRefuseJoin(
          sendJoin,
          'send_join',
          spec('transitions.send-join-refused-403', `${NO_JOIN}: send_join must answer 403 (the room does not permit the user to join)`),
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('transitions.knock-to-join-refused', `${NO_JOIN}: the user stays knocking`),
        );
      });

      it(`A knocking local user cannot join: POST /join answers 403 M_FORBIDDEN and the user stays knocking [spec:transitions.knock-to-join-refused,join-rules.knock-needs-invite-to-join,transitions.join-refused-403] ${tag}`, async () => {
        const { owner, roomId } = await newKnockRoom(env, roomVersion);
        const user = await mustKnockAsLocalUser(env, owner, roomId);
        const res = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
        mustAnswerForbidden(res, spec('transitions.join-refused-403', `${NO_JOIN}: POST /join must answer 403`));
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'knock',
          spec('transitions.knock-to-join-refused', `${NO_JOIN}: the user stays knocking`),
        );
      });
    });
  }
});
