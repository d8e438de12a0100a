/**
 * The knock authorization rules (room versions 7+, m.room.member with membership knock), branch by branch,
 * in rooms the HSUT hosts. Each branch is exercised three ways:
 *
 *  - over /send by a RESIDENT fake server (a fake "witness" user is joined): the fake builds the knock in its
 *    copy of the room and pushes it as a PDU, so nothing but the auth rules stands between the event and the
 *    room state (send_knock pre-checks such as sender == state_key cannot hide a broken rule). /send answers
 *    before it authorises, so the witness then sends a marker whose prev_events include the event under test;
 *    once the HSUT serves the marker it has processed the knock, and the state is read;
 *  - through the federation handshake (make_knock / send_knock) of a fake user;
 *  - through the client API (POST /knock) of a second HSUT user (the local path).
 *
 * Spec (rooms v7+ authorization rules, m.room.member, membership knock):
 *   i.   If the join_rule is anything other than knock (v10+: or knock_restricted), reject.
 *   ii.  If sender does not match state_key, reject.
 *   iii. If the sender's current membership is not ban, invite, or join, allow.
 *   iv.  Otherwise, reject.
 */
import { getRoomVersion } from '../harness/core';
import { knockOn, leaveRoom, makeKnock, sendEvent, sendKnock, type FakeRoom } from '../harness/fake-server';
import { must, should, spec, type MatchableResponse } from '../harness/match';
import {
  KNOCK_BARRING_MEMBERSHIPS,
  KNOCK_VERSIONS,
  createHsutRoom,
  memberEventOf,
  membershipOf,
  pollUntil,
  pushMemberEventAndSettle,
  residentHsutRoom,
  useFederationEnvironment,
  waitForMembership,
  WAIT_MS,
  type FederationEnvironment,
  type HsutJoinRule,
  type KnockBarringMembershipName,
  type ResidentRoom,
  type UserClient,
  unique,
} from '../harness/testkit';

const RULE_I =
  'Knock auth rule i (rooms v7+, m.room.member membership knock): if the join_rule is anything other than knock (or, from v10, knock_restricted), reject';
const RULE_II = 'Knock auth rule ii (rooms v7+, m.room.member membership knock): if sender does not match state_key, reject';
const RULE_III =
  "Knock auth rule iii (rooms v7+, m.room.member membership knock): if the sender's current membership is not ban, invite, or join, allow";

/** Waits until the fake's copy of the room has `userId` at `membership` (so its next events cite that state). */
async function waitForCopyMembership(room: FakeRoom, userId: string, membership: string): Promise<void> {
  await pollUntil(async () => (room.membership(userId) === membership ? true : undefined), {
    timeoutMs: WAIT_MS,
    description: `the fake's copy of ${room.roomId} to show ${userId} with membership ${membership} (sent by the HSUT over /send)`,
  });
}

/** A fake user who is joined to the resident room (invited by the owner, join pushed over /send). */
async function joinedFakeUser(env: FederationEnvironment, r: ResidentRoom, localpart: string): Promise<string> {
  const user = env.fake.userId(unique(localpart));
  await r.owner.invite(r.roomId, user);
  await waitForCopyMembership(r.room, user, 'invite');
  await sendEvent(env.fake, r.room, { type: 'm.room.member', sender: user, stateKey: user, content: { membership: 'join' } });
  await waitForMembership(r.owner, r.roomId, user, 'join');
  return user;
}

/**
 * make_knock must be refused, and a knock the fake builds itself must be refused by send_knock too. The 403 of
 * both endpoints is the response for a user "not permitted to knock on the room" (MUST); its errcode is only an
 * example body (SHOULD).
 */
async function mustRefuseKnockHandshake(env: FederationEnvironment, r: ResidentRoom, user: string, why: string): Promise<void> {
  const make = await makeKnock(env.fake, r.roomId, user);
  must.matchResponse(
    make,
    { status: 403 },
    spec('make_knock.forbidden', `${why}: make_knock must answer 403 (the user is not permitted to knock on the room)`),
  );
  should.matchResponse(
    make,
    { status: 403, errcode: 'M_FORBIDDEN' },
    spec('make_knock.forbidden', `${why}: make_knock's 403 should carry errcode M_FORBIDDEN (the example of the 403 response)`),
  );
  const { event, eventId } = r.room.buildEvent({ type: 'm.room.member', sender: user, stateKey: user, content: { membership: 'knock' } });
  const send = await sendKnock(env.fake, r.roomId, eventId, event);
  must.matchResponse(
    send,
    { status: 403 },
    spec('send_knock.forbidden', `${why}: send_knock must answer 403 (the knock fails the auth rules: the user is not permitted to knock)`),
  );
  should.matchResponse(
    send,
    { status: 403, errcode: 'M_FORBIDDEN' },
    spec('send_knock.forbidden', `${why}: send_knock's 403 should carry errcode M_FORBIDDEN (the example of the 403 response)`),
  );
}

/** POST /knock must answer 403 ("You do not have permission to knock on the room"); the errcode is an example. */
function mustRefuseClientKnock(res: MatchableResponse, why: string): void {
  must.matchResponse(
    res,
    { status: 403 },
    spec('client.knock-forbidden', `${why}: POST /knock must answer 403 (the user does not have permission to knock on the room)`),
  );
  should.matchResponse(
    res,
    { status: 403, errcode: 'M_FORBIDDEN' },
    spec('client.knock-forbidden', `${why}: POST /knock's 403 should carry errcode M_FORBIDDEN (the example of the 403 response)`),
  );
}

function localKnock(user: UserClient, roomId: string, reason?: string) {
  return user.do('POST', user.knockPath(roomId), { body: reason === undefined ? {} : { reason } });
}

/**
 * Rule iv, per membership the rule bars (the rows of KNOCK_BARRING_MEMBERSHIPS): the titles of its three tests and
 * how each test's knocker comes to have that membership — a fake user whose join, ban or invite the fake's copy of
 * the resident room holds (pushed knock; for the handshake of a joined user, the witness), and an HSUT user.
 */
const BARRED: Record<
  KnockBarringMembershipName,
  {
    pushed: string;
    handshake: string;
    client: string;
    pushingUser(env: FederationEnvironment, r: ResidentRoom): Promise<string>;
    handshakeUser(env: FederationEnvironment, r: ResidentRoom): Promise<string>;
    hsutUser(env: FederationEnvironment, roomVersion: string): Promise<{ owner: UserClient; roomId: string; user: UserClient }>;
  }
> = {
  ban: {
    pushed: 'A knock pushed over /send by a banned user is rejected: the user stays banned',
    handshake: 'make_knock and send_knock by a banned fake user answer 403 M_FORBIDDEN: the user stays banned',
    client: "A banned HSUT user's knock through the client API is refused with 403: the user stays banned",
    pushingUser: (env, r) => fakeUserWith(env, r, 'banned', 'ban'),
    handshakeUser: (env, r) => fakeUserWith(env, r, 'banned', 'ban'),
    async hsutUser(env, roomVersion) {
      const owner = await env.roomOwner();
      const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
      const user = await env.newUser();
      await owner.ban(roomId, user.userId);
      return { owner, roomId, user };
    },
  },
  invite: {
    pushed: 'A knock pushed over /send by an invited user is rejected: the user stays invited',
    handshake: 'make_knock and send_knock by an invited fake user answer 403 M_FORBIDDEN: the user stays invited',
    client: "An invited HSUT user's knock through the client API is refused with 403 M_FORBIDDEN: the user stays invited",
    pushingUser: (env, r) => fakeUserWith(env, r, 'invited', 'invite'),
    handshakeUser: (env, r) => fakeUserWith(env, r, 'invited', 'invite'),
    async hsutUser(env, roomVersion) {
      const owner = await env.roomOwner();
      const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
      const user = await env.newUser();
      await owner.invite(roomId, user.userId);
      return { owner, roomId, user };
    },
  },
  join: {
    pushed: 'A knock pushed over /send by a joined member is rejected: the member stays joined',
    handshake: 'make_knock and send_knock by a joined fake user answer 403 M_FORBIDDEN: the user stays joined',
    client: "A joined HSUT user's knock through the client API is refused with 403 M_FORBIDDEN: the user stays joined",
    pushingUser: (env, r) => joinedFakeUser(env, r, 'member'),
    handshakeUser: async (_env, r) => r.witness,
    async hsutUser(env, roomVersion) {
      const owner = await env.roomOwner();
      const user = await env.newUser();
      const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock', invite: [user.userId] });
      await user.join(roomId);
      return { owner, roomId, user };
    },
  },
};

/** A fake user the owner bans or invites, once the fake's copy of the room shows it (so its knock cites it). */
async function fakeUserWith(env: FederationEnvironment, r: ResidentRoom, localpart: string, membership: 'ban' | 'invite'): Promise<string> {
  const user = env.fake.userId(unique(localpart));
  if (membership === 'ban') await r.owner.ban(r.roomId, user);
  else await r.owner.invite(r.roomId, user);
  await waitForCopyMembership(r.room, user, membership);
  return user;
}

describe('Knock auth rules in rooms the HSUT hosts', function () {
  const env = useFederationEnvironment();

  for (const roomVersion of KNOCK_VERSIONS) {
    const tag = `[v${roomVersion}]`;
    const version = getRoomVersion(roomVersion);
    const otherJoinRules: HsutJoinRule[] = ['public', 'invite', ...(version.restrictedAllowed ? (['restricted'] as const) : [])];

    describe(`rule i: the join rule must be knock ${tag}`, () => {
      for (const joinRule of otherJoinRules) {
        it(`A knock pushed over /send into a room with join_rule ${joinRule} is rejected: the knocker gets no membership [spec:auth-rules.knock.join-rule-not-knock] ${tag}`, async () => {
          const r = await residentHsutRoom(env, { roomVersion, joinRule: joinRule });
          const knocker = env.fake.userId(unique('knocker'));
          await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' } });
          must.equal(
            await membershipOf(r.owner, r.roomId, knocker),
            undefined,
            spec('auth-rules.knock.join-rule-not-knock', `${RULE_I}; the join_rule is ${joinRule}, so the HSUT must reject the knock`),
          );
        });

        it(`make_knock and send_knock for a room with join_rule ${joinRule} answer 403 M_FORBIDDEN and leave no knock [spec:auth-rules.knock.join-rule-not-knock,make_knock.forbidden,send_knock.forbidden] ${tag}`, async () => {
          const r = await residentHsutRoom(env, { roomVersion, joinRule: joinRule });
          const knocker = env.fake.userId(unique('knocker'));
          await mustRefuseKnockHandshake(env, r, knocker, `${RULE_I}; the join_rule is ${joinRule}`);
          must.equal(
            await membershipOf(r.owner, r.roomId, knocker),
            undefined,
            spec('auth-rules.knock.join-rule-not-knock', `${RULE_I}; the join_rule is ${joinRule}, so no knock may enter the room`),
          );
        });

        it(`An HSUT user's knock on a room with join_rule ${joinRule} is refused with 403 M_FORBIDDEN [spec:auth-rules.knock.join-rule-not-knock,client.knock-forbidden] ${tag}`, async () => {
          const owner = await env.roomOwner();
          const roomId = await createHsutRoom(owner, { roomVersion, joinRule });
          const user = await env.newUser();
          const res = await localKnock(user, roomId);
          mustRefuseClientKnock(res, `${RULE_I}; the join_rule is ${joinRule}`);
          must.equal(
            await membershipOf(owner, roomId, user.userId),
            undefined,
            spec('auth-rules.knock.join-rule-not-knock', `${RULE_I}; the join_rule is ${joinRule}, so no knock may enter the room`),
          );
        });
      }
    });

    describe(`rule ii: sender must match state_key ${tag}`, () => {
      it(`A knock pushed over /send whose sender is not its state_key is rejected: the target gets no membership [spec:auth-rules.knock.sender-not-state-key] ${tag}`, async () => {
        const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
        const target = env.fake.userId(unique('target'));
        await pushMemberEventAndSettle(env, r, { sender: r.witness, stateKey: target, content: { membership: 'knock' } });
        must.equal(
          await membershipOf(r.owner, r.roomId, target),
          undefined,
          spec('auth-rules.knock.sender-not-state-key', `${RULE_II}: ${r.witness} knocked for ${target}, so the HSUT must reject it`),
        );
        must.equal(
          await membershipOf(r.owner, r.roomId, r.witness),
          'join',
          spec('auth-rules.knock.sender-not-state-key', `${RULE_II}: the rejected knock must not change the sender's own membership`),
        );
      });

      it(`A knock pushed over /send by a joined member on behalf of an HSUT user is rejected [spec:auth-rules.knock.sender-not-state-key] ${tag}`, async () => {
        const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
        const target = await env.newUser();
        await pushMemberEventAndSettle(env, r, { sender: r.witness, stateKey: target.userId, content: { membership: 'knock' } });
        must.equal(
          await membershipOf(r.owner, r.roomId, target.userId),
          undefined,
          spec(
            'auth-rules.knock.sender-not-state-key',
            `${RULE_II}: ${r.witness} knocked for ${target.userId}, so the HSUT must reject it`,
          ),
        );
      });
    });

    describe(`rule iii: knocking is allowed without ban, invite or join ${tag}`, () => {
      it(`A knock pushed over /send by a user with no membership is accepted: state knock [spec:auth-rules.knock.from-leave] ${tag}`, async () => {
        const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
        const knocker = env.fake.userId(unique('knocker'));
        const eventId = await pushMemberEventAndSettle(env, r, {
          sender: knocker,
          stateKey: knocker,
          content: { membership: 'knock', reason: 'let me in' },
        });
        const member = await memberEventOf(r.owner, r.roomId, knocker);
        must.equal(
          member?.content?.membership,
          'knock',
          spec('auth-rules.knock.from-leave', `${RULE_III}: ${knocker} had no membership, so the HSUT must accept the knock`),
        );
        must.equal(
          member?.event_id,
          eventId,
          spec('auth-rules.knock.from-leave', `${RULE_III}: the knock pushed over /send is the current member event`),
        );
      });

      it(`make_knock/send_knock by a fake user with no membership succeed: state knock [spec:auth-rules.knock.from-leave,join-rules.knock] ${tag}`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
        const knocker = env.fake.userId(unique('knocker'));
        const knock = await knockOn(env.fake, roomId, knocker);
        must.matchResponse(
          knock.make,
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: make_knock must answer 200 for a user with no membership`),
        );
        must.matchResponse(
          knock.send!,
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: send_knock must answer 200 for a user with no membership`),
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('auth-rules.knock.from-leave', `${RULE_III}: the knock is room state`),
        );
      });

      it(`An HSUT user with no membership knocks through the client API: 200 and state knock [spec:auth-rules.knock.from-leave] ${tag}`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
        const user = await env.newUser();
        must.matchResponse(
          await localKnock(user, roomId),
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: POST /knock must answer 200 for a user with no membership`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'knock',
          spec('auth-rules.knock.from-leave', `${RULE_III}: the knock is room state`),
        );
      });

      it(`A knock pushed over /send by a user whose membership is leave (a withdrawn knock) is accepted: state knock [spec:auth-rules.knock.from-leave,auth-rules.leave.from-knock] ${tag}`, async () => {
        const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
        const knocker = env.fake.userId(unique('knocker'));
        await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' } });
        await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'leave' } });
        must.equal(
          await membershipOf(r.owner, r.roomId, knocker),
          'leave',
          spec(
            'auth-rules.leave.from-knock',
            'Leave auth rule (rooms v7+): a sender whose current membership is knock may leave (withdraw the knock), so the HSUT must accept the leave',
          ),
        );
        const eventId = await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' } });
        const member = await memberEventOf(r.owner, r.roomId, knocker);
        must.equal(
          member?.content?.membership,
          'knock',
          spec('auth-rules.knock.from-leave', `${RULE_III}: ${knocker}'s membership is leave, so the HSUT must accept the knock`),
        );
        must.equal(
          member?.event_id,
          eventId,
          spec('auth-rules.knock.from-leave', `${RULE_III}: the new knock is the current member event`),
        );
      });

      it(`A fake user who left (rescinded a knock) knocks again through make_knock/send_knock: state knock [spec:auth-rules.knock.from-leave,transitions.knock-to-leave.self-over-federation,auth-rules.leave.from-knock] ${tag}`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
        const knocker = env.fake.userId(unique('knocker'));
        const first = await knockOn(env.fake, roomId, knocker);
        must.matchResponse(
          first.send ?? first.make,
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: the first knock is accepted`),
        );
        // Retracting over federation is a "can" of the spec: if make_leave/send_leave refuse, the owner denies the
        // knock instead (a kick, MUST), so the user's membership is leave all the same and rule iii is still tested.
        const leave = await leaveRoom(env.fake, roomId, knocker);
        const retracted = should.matchResponse(
          leave.send ?? leave.make,
          { status: 200 },
          spec(
            'transitions.knock-to-leave.self-over-federation',
            'Servers can retract knocks over federation by leaving the room: make_leave/send_leave should answer 200 to a knocking user',
          ),
        );
        if (retracted) {
          must.equal(
            await membershipOf(owner, roomId, knocker),
            'leave',
            spec(
              'auth-rules.leave.from-knock',
              'Leave auth rule (rooms v7+): a sender whose current membership is knock may leave; send_leave accepted the leave, so it is room state',
            ),
          );
        } else {
          must.matchResponse(
            await owner.do('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, { body: { user_id: knocker } }),
            { status: 200 },
            spec('transitions.knock-to-leave.other', 'The room creator (kick level) denies the knock instead: POST /kick must answer 200'),
          );
          must.equal(
            await membershipOf(owner, roomId, knocker),
            'leave',
            spec('transitions.knock-to-leave.other', "The denied knocker's membership becomes leave"),
          );
        }
        const again = await knockOn(env.fake, roomId, knocker, { content: { reason: 'again' } });
        must.matchResponse(
          again.make,
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: make_knock must answer 200 when the user's membership is leave`),
        );
        must.matchResponse(
          again.send!,
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: send_knock must answer 200 when the user's membership is leave`),
        );
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('auth-rules.knock.from-leave', `${RULE_III}: the new knock is room state`),
        );
      });

      it(`An HSUT user who withdrew a knock knocks again through the client API: 200 and state knock [spec:auth-rules.knock.from-leave,transitions.knock-to-leave.self] ${tag}`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
        const user = await env.newUser();
        must.matchResponse(
          await localKnock(user, roomId, 'first'),
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: the first knock is accepted`),
        );
        await user.leave(roomId);
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'leave',
          spec('transitions.knock-to-leave.self', "Knocks can be retracted by calling /leave: the knocker's membership becomes leave"),
        );
        must.matchResponse(
          await localKnock(user, roomId, 'second'),
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: POST /knock must answer 200 when the user's membership is leave`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'knock',
          spec('auth-rules.knock.from-leave', `${RULE_III}: the new knock is room state`),
        );
      });

      it(`A second knock pushed over /send by a user who is already knocking is accepted and becomes the member event [spec:auth-rules.knock.from-knock] ${tag}`, async () => {
        const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
        const knocker = env.fake.userId(unique('knocker'));
        await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock', reason: 'first' } });
        const second = await pushMemberEventAndSettle(env, r, {
          sender: knocker,
          stateKey: knocker,
          content: { membership: 'knock', reason: 'second' },
        });
        const member = await memberEventOf(r.owner, r.roomId, knocker);
        must.equal(
          member?.event_id,
          second,
          spec(
            'auth-rules.knock.from-knock',
            `${RULE_III}: ${knocker}'s membership is knock (not ban, invite or join), so the repeated knock must be accepted`,
          ),
        );
        must.equal(
          member?.content?.reason,
          'second',
          spec('auth-rules.knock.from-knock', `${RULE_III}: the repeated knock's content is the current state`),
        );
      });

      it(`A fake user who is already knocking knocks again through make_knock/send_knock: 200 and the new knock is state [spec:auth-rules.knock.from-knock] ${tag}`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
        const knocker = env.fake.userId(unique('knocker'));
        const first = await knockOn(env.fake, roomId, knocker, { content: { reason: 'first' } });
        must.matchResponse(
          first.send ?? first.make,
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: the first knock (no membership yet) is accepted`),
        );
        const again = await knockOn(env.fake, roomId, knocker, { content: { reason: 'second' } });
        must.matchResponse(
          again.make,
          { status: 200 },
          spec('auth-rules.knock.from-knock', `${RULE_III}: make_knock must answer 200 to a user whose membership is knock`),
        );
        must.matchResponse(
          again.send!,
          { status: 200 },
          spec('auth-rules.knock.from-knock', `${RULE_III}: send_knock must answer 200 to a user whose membership is knock`),
        );
        const member = await memberEventOf(owner, roomId, knocker);
        must.equal(
          member?.event_id,
          again.eventId,
          spec('auth-rules.knock.from-knock', `${RULE_III}: the repeated knock is the current member event`),
        );
      });

      it(`An HSUT user who is already knocking knocks again through the client API: 200 and the new knock is state [spec:auth-rules.knock.from-knock] ${tag}`, async () => {
        const owner = await env.roomOwner();
        const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'knock' });
        const user = await env.newUser();
        must.matchResponse(
          await localKnock(user, roomId, 'first'),
          { status: 200 },
          spec('auth-rules.knock.from-leave', `${RULE_III}: the first knock (no membership yet) is accepted`),
        );
        must.matchResponse(
          await localKnock(user, roomId, 'second'),
          { status: 200 },
          spec('auth-rules.knock.from-knock', `${RULE_III}: POST /knock must answer 200 to a user whose membership is knock`),
        );
        const member = await memberEventOf(owner, roomId, user.userId);
        must.equal(member?.content?.membership, 'knock', spec('auth-rules.knock.from-knock', `${RULE_III}: the user is still knocking`));
        must.equal(
          member?.content?.reason,
          'second',
          spec('auth-rules.knock.from-knock', `${RULE_III}: the repeated knock is the current member event`),
        );
      });
    });

    describe(`rule iv: knocking is refused to banned, invited and joined users ${tag}`, () => {
      for (const barred of KNOCK_BARRING_MEMBERSHIPS) {
        const c = BARRED[barred.membership];
        const { membership, adjective, rule } = barred;

        it(`${c.pushed} [spec:${barred.clause}] ${tag}`, async () => {
          const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
          const knocker = await c.pushingUser(env, r);
          await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' } });
          must.equal(
            await membershipOf(r.owner, r.roomId, knocker),
            membership,
            spec(barred.clause, `${rule}; the HSUT must reject the knock`),
          );
        });

        it(`${c.handshake} [spec:${barred.clause},make_knock.forbidden,send_knock.forbidden] ${tag}`, async () => {
          const r = await residentHsutRoom(env, { roomVersion, joinRule: 'knock' });
          const knocker = await c.handshakeUser(env, r);
          await mustRefuseKnockHandshake(env, r, knocker, rule);
          must.equal(
            await membershipOf(r.owner, r.roomId, knocker),
            membership,
            spec(barred.clause, `${rule}; the user stays ${adjective}`),
          );
        });

        it(`${c.client} [spec:${barred.clause},client.knock-forbidden] ${tag}`, async () => {
          const { owner, roomId, user } = await c.hsutUser(env, roomVersion);
          const res = await localKnock(user, roomId);
          mustRefuseClientKnock(res, `${rule}`);
          must.equal(
            await membershipOf(owner, roomId, user.userId),
            membership,
            spec(barred.clause, `${rule}; the user stays ${adjective}`),
          );
        });
      }
    });
  }
});
