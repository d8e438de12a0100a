/**
 * The knock_restricted join rule (room version 10+, MSC3787) in rooms the HSUT hosts: knocking is allowed, joins
 * that satisfy an `allow` condition still work, plain `restricted` refuses knocks, and in versions 7–9 (where
 * knock_restricted does not exist) a room whose join_rules content says knock_restricted refuses knocks.
 * Knocks are tried over /send by a resident fake server (auth rules alone), through make_knock/send_knock, and
 * through the client API.
 */
import { joinRemoteRoom, knockOn, makeKnock, sendKnock } from '../harness/fake-server';
import { must, should, spec, type MatchableResponse } from '../harness/match';
import {
  KNOCK_RESTRICTED_VERSIONS,
  KNOCK_WITHOUT_KNOCK_RESTRICTED_VERSIONS,
  createHsutRoom,
  membershipOf,
  makeFakeResident,
  pollUntil,
  pushMemberEventAndSettle,
  useFederationEnvironment,
  WAIT_MS,
  type FederationEnvironment,
  type HsutJoinRule,
  type ResidentRoom,
  unique,
} from '../harness/testkit';

const enc = encodeURIComponent;

const KNOCK_OK =
  'Knock auth rule i (rooms v10+): reject if the join_rule is anything other than knock or knock_restricted — under knock_restricted a knock is allowed';
const RESTRICTED_JOIN =
  'Join auth rule (rooms v10+): under knock_restricted, as under restricted, a join authorised by a member of an allowed room (join_authorised_via_users_server) is allowed';
const RESTRICTED_NO_KNOCK =
  'Knock auth rule i (rooms v8+): the join_rule restricted is not knock (nor knock_restricted), so a knock is rejected';
const BEFORE_V10 =
  'Knock auth rule i (rooms v7–v9): if the join_rule is anything other than knock, reject — knock_restricted does not exist before room version 10, so a knock is rejected';

/** A knock_restricted room (or the given rule) whose `allow` names a fresh public room of the same owner. */
async function restrictedPair(env: FederationEnvironment, roomVersion: string, joinRule: HsutJoinRule) {
  const owner = await env.roomOwner();
  const allowedRoom = await createHsutRoom(owner, { roomVersion, joinRule: 'public' });
  const roomId = await createHsutRoom(owner, { roomVersion, joinRule, allowRooms: [allowedRoom] });
  return { owner, allowedRoom, roomId };
}

/**
 * Before v10 nobody can join a room whose join rule is knock_restricted (an unknown rule), so the fake becomes
 * resident in an invite room first; then the owner switches the join rule and the fake's copy sees the change.
 */
async function residentThenKnockRestricted(env: FederationEnvironment, roomVersion: string) {
  const { owner, allowedRoom, roomId } = await restrictedPair(env, roomVersion, 'invite');
  const resident = await makeFakeResident(env, owner, roomId);
  const { room } = resident;
  await owner.sendState(roomId, 'm.room.join_rules', '', {
    join_rule: 'knock_restricted',
    allow: [{ type: 'm.room_membership', room_id: allowedRoom }],
  });
  await pollUntil(async () => (room.currentStateEvent('m.room.join_rules')?.content.join_rule === 'knock_restricted' ? true : undefined), {
    timeoutMs: WAIT_MS,
    description: `the fake's copy of ${roomId} to receive the join rule change to knock_restricted`,
  });
  return resident;
}

/** A knock of `knocker` pushed over /send by the resident fake; returns once the HSUT has processed it. */
function pushKnock(env: FederationEnvironment, r: ResidentRoom, knocker: string): Promise<string> {
  return pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' } });
}

/**
 * A refused knock: make_knock, send_knock and POST /knock define 403 for a user "not permitted to knock on the room"
 * (MUST); the errcode M_FORBIDDEN is only the example body (SHOULD).
 */
function mustRefuseKnock(res: MatchableResponse, endpoint: 'make_knock' | 'send_knock' | 'POST /knock', why: string): void {
  const clause =
    endpoint === 'make_knock' ? 'make_knock.forbidden' : endpoint === 'send_knock' ? 'send_knock.forbidden' : 'client.knock-forbidden';
  must.matchResponse(
    res,
    { status: 403 },
    spec(clause, `${why}: ${endpoint} must answer 403 (the user is not permitted to knock on the room)`),
  );
  should.matchResponse(
    res,
    { status: 403, errcode: 'M_FORBIDDEN' },
    spec(clause, `${why}: the 403 of ${endpoint} should carry errcode M_FORBIDDEN (the example of the 403 response)`),
  );
}

describe('The knock_restricted join rule in rooms the HSUT hosts', function () {
  const env = useFederationEnvironment();

  for (const roomVersion of KNOCK_RESTRICTED_VERSIONS) {
    const tag = `[v${roomVersion}]`;

    describe(`knock_restricted allows knocks and restricted joins ${tag}`, () => {
      it(`A fake user knocks on a knock_restricted room through make_knock/send_knock: 200 and state knock [spec:knock-restricted.knock] ${tag}`, async () => {
        const { owner, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const knocker = env.fake.userId(unique('knocker'));
        const knock = await knockOn(env.fake, roomId, knocker);
        must.matchResponse(knock.make, { status: 200 }, spec('knock-restricted.knock', `${KNOCK_OK}: make_knock must answer 200`));
        must.matchResponse(knock.send!, { status: 200 }, spec('knock-restricted.knock', `${KNOCK_OK}: send_knock must answer 200`));
        must.equal(
          await membershipOf(owner, roomId, knocker),
          'knock',
          spec('knock-restricted.knock', `${KNOCK_OK}: the knock is room state`),
        );
      });

      it(`A knock pushed over /send into a knock_restricted room is accepted: state knock [spec:knock-restricted.knock] ${tag}`, async () => {
        const { owner, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const resident = await makeFakeResident(env, owner, roomId);
        const knocker = env.fake.userId(unique('knocker'));
        const eventId = await pushKnock(env, resident, knocker);
        const state = await owner.state(roomId);
        const member = state.find((e) => e.type === 'm.room.member' && e.state_key === knocker);
        must.equal(member?.content?.membership, 'knock', spec('knock-restricted.knock', `${KNOCK_OK}: the HSUT must accept the knock`));
        must.equal(member?.event_id, eventId, spec('knock-restricted.knock', `${KNOCK_OK}: the pushed knock is the current member event`));
      });

      it(`An HSUT user knocks on a knock_restricted room through the client API: 200 and state knock [spec:knock-restricted.knock] ${tag}`, async () => {
        const { owner, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const user = await env.newUser();
        const res = await user.do('POST', user.knockPath(roomId), { body: { reason: 'let me in' } });
        must.matchResponse(res, { status: 200 }, spec('knock-restricted.knock', `${KNOCK_OK}: POST /knock must answer 200`));
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'knock',
          spec('knock-restricted.knock', `${KNOCK_OK}: the knock is room state`),
        );
      });

      it(`An HSUT user who is a member of the allowed room joins a knock_restricted room without an invite [spec:knock-restricted.restricted-join] ${tag}`, async () => {
        const { owner, allowedRoom, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const user = await env.newUser();
        await user.join(allowedRoom);
        const res = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
        must.matchResponse(
          res,
          { status: 200 },
          spec('knock-restricted.restricted-join', `${RESTRICTED_JOIN}: POST /join must answer 200`),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'join',
          spec('knock-restricted.restricted-join', `${RESTRICTED_JOIN}: the user is joined`),
        );
      });

      it(`A fake user who is a member of the allowed room joins a knock_restricted room through make_join/send_join [spec:knock-restricted.restricted-join] ${tag}`, async () => {
        const { owner, allowedRoom, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const joiner = env.fake.userId(unique('joiner'));
        await joinRemoteRoom(env.fake, { roomId: allowedRoom, userId: joiner });
        const join = await joinRemoteRoom(env.fake, { roomId, userId: joiner }).catch((error: Error) => error);
        must.ok(
          !(join instanceof Error),
          spec('knock-restricted.restricted-join', `${RESTRICTED_JOIN}: make_join/send_join must succeed`),
          join instanceof Error ? join.message : undefined,
        );
        must.equal(
          join.event.content?.join_authorised_via_users_server,
          owner.userId,
          spec('knock-restricted.restricted-join', `${RESTRICTED_JOIN}: the join names the authorising member of the HSUT`),
        );
        must.equal(
          await membershipOf(owner, roomId, joiner),
          'join',
          spec('knock-restricted.restricted-join', `${RESTRICTED_JOIN}: the user is joined`),
        );
      });

      it(`A knocking HSUT user who is a member of the allowed room may still join a knock_restricted room [spec:knock-restricted.restricted-join,knock-restricted.knock] ${tag}`, async () => {
        const { owner, allowedRoom, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const user = await env.newUser();
        must.matchResponse(
          await user.do('POST', user.knockPath(roomId), { body: {} }),
          { status: 200 },
          spec('knock-restricted.knock', `${KNOCK_OK}: POST /knock must answer 200`),
        );
        await user.join(allowedRoom);
        const res = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
        must.matchResponse(
          res,
          { status: 200 },
          spec(
            'knock-restricted.restricted-join',
            `${RESTRICTED_JOIN}: a knocking user satisfying allow may join (POST /join must answer 200)`,
          ),
        );
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          'join',
          spec('knock-restricted.restricted-join', `${RESTRICTED_JOIN}: the user is joined`),
        );
      });
    });

    describe(`plain restricted refuses knocks ${tag}`, () => {
      it(`make_knock on a restricted room answers 403 M_FORBIDDEN and a pushed knock is rejected [spec:auth-rules.knock.join-rule-not-knock,make_knock.forbidden] ${tag}`, async () => {
        const { owner, roomId } = await restrictedPair(env, roomVersion, 'restricted');
        const knocker = env.fake.userId(unique('knocker'));
        mustRefuseKnock(await makeKnock(env.fake, roomId, knocker), 'make_knock', RESTRICTED_NO_KNOCK);
        await pushKnock(env, await makeFakeResident(env, owner, roomId), knocker);
        must.equal(
          await membershipOf(owner, roomId, knocker),
          undefined,
          spec('auth-rules.knock.join-rule-not-knock', `${RESTRICTED_NO_KNOCK}: the HSUT must reject the knock pushed over /send`),
        );
      });

      it(`An HSUT user's knock on a restricted room is refused with 403 M_FORBIDDEN [spec:auth-rules.knock.join-rule-not-knock,client.knock-forbidden] ${tag}`, async () => {
        const { owner, roomId } = await restrictedPair(env, roomVersion, 'restricted');
        const user = await env.newUser();
        const res = await user.do('POST', user.knockPath(roomId), { body: {} });
        mustRefuseKnock(res, 'POST /knock', RESTRICTED_NO_KNOCK);
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          undefined,
          spec('auth-rules.knock.join-rule-not-knock', `${RESTRICTED_NO_KNOCK}: no knock enters the room`),
        );
      });
    });
  }

  for (const roomVersion of KNOCK_WITHOUT_KNOCK_RESTRICTED_VERSIONS) {
    const tag = `[v${roomVersion}]`;

    describe(`knock_restricted does not exist before room version 10 ${tag}`, () => {
      it(`make_knock and send_knock on a room whose join rule says knock_restricted answer 403 M_FORBIDDEN [spec:knock-restricted.refused-before-v10,make_knock.forbidden,send_knock.forbidden] ${tag}`, async () => {
        const { owner, roomId, room } = await residentThenKnockRestricted(env, roomVersion);
        const knocker = env.fake.userId(unique('knocker'));
        mustRefuseKnock(await makeKnock(env.fake, roomId, knocker), 'make_knock', BEFORE_V10);
        const { event, eventId } = room.buildEvent({
          type: 'm.room.member',
          sender: knocker,
          stateKey: knocker,
          content: { membership: 'knock' },
        });
        mustRefuseKnock(await sendKnock(env.fake, roomId, eventId, event), 'send_knock', BEFORE_V10);
        must.equal(
          await membershipOf(owner, roomId, knocker),
          undefined,
          spec('knock-restricted.refused-before-v10', `${BEFORE_V10}: no knock enters the room`),
        );
      });

      it(`A knock pushed over /send into a room whose join rule says knock_restricted is rejected [spec:knock-restricted.refused-before-v10] ${tag}`, async () => {
        const resident = await residentThenKnockRestricted(env, roomVersion);
        const { owner, roomId } = resident;
        const knocker = env.fake.userId(unique('knocker'));
        await pushKnock(env, resident, knocker);
        must.equal(
          await membershipOf(owner, roomId, knocker),
          undefined,
          spec('knock-restricted.refused-before-v10', `${BEFORE_V10}: the HSUT must reject the knock`),
        );
      });

      it(`An HSUT user's knock on a room whose join rule says knock_restricted is refused with 403 M_FORBIDDEN [spec:knock-restricted.refused-before-v10,client.knock-forbidden] ${tag}`, async () => {
        const { owner, roomId } = await restrictedPair(env, roomVersion, 'knock_restricted');
        const user = await env.newUser();
        const res = await user.do('POST', user.knockPath(roomId), { body: {} });
        mustRefuseKnock(res, 'POST /knock', BEFORE_V10);
        must.equal(
          await membershipOf(owner, roomId, user.userId),
          undefined,
          spec('knock-restricted.refused-before-v10', `${BEFORE_V10}: no knock enters the room`),
        );
      });
    });
  }
});
