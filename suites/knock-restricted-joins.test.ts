/**
 * knock_restricted joins that must be refused. In room versions 10+ a join under knock_restricted needs an invite
 * or a satisfied allow condition: a user in no allowed room is refused, before and after knocking, over the client
 * API and over make_join/send_join; a user who joined the allowed room and left it again is refused again. In
 * room versions 7–9, where knock_restricted is no join rule at all, a member of the allowed room is refused too.
 */
import { joinRemoteRoom } from '../harness/fake-server';
import { must, setup, should, spec } from '../harness/match';
import {
  KNOCK_RESTRICTED_VERSIONS,
  KNOCK_WITHOUT_KNOCK_RESTRICTED_VERSIONS,
  createHsutRoom,
  membershipOf,
  unique,
  useFederationEnvironment,
  waitForMembership,
  type FederationEnvironment,
} from '../harness/testkit';

const enc = encodeURIComponent;

/** A room with join_rules knock_restricted whose allow names a public room of the same owner. */
async function restrictedPair(env: FederationEnvironment, roomVersion: string) {
  const owner = await env.roomOwner();
  const allowedRoom = await createHsutRoom(owner, { roomVersion, joinRule: 'public' });
  // Before v10 createRoom may refuse an initial join rule it does not know; set it afterwards then.
  const roomId = await createHsutRoom(owner, { roomVersion, joinRule: 'invite' });
  await owner.sendState(roomId, 'm.room.join_rules', '', {
    join_rule: 'knock_restricted',
    allow: [{ type: 'm.room_membership', room_id: allowedRoom }],
  });
  return { owner, allowedRoom, roomId };
}

describe('knock_restricted refuses joins that meet no allow condition; before room version 10 it lets no one join', function () {
  const env = useFederationEnvironment();

  for (const v of KNOCK_RESTRICTED_VERSIONS) {
    const rule = spec('knock-restricted.restricted-join', 'under knock_restricted a join needs an invite or a satisfied allow condition');

    it(`An HSUT user in no allowed room is refused POST /join on a knock_restricted room, before and after knocking [spec:knock-restricted.restricted-join] [v${v}]`, async () => {
      const { owner, roomId } = await restrictedPair(env, v);
      const user = await env.newUser();
      const first = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
      must.ok(
        first.status === 403,
        spec(
          'knock-restricted.restricted-join',
          'POST /join answers 403 ("You do not have permission to join the room") to a user meeting no allow condition',
        ),
        `got ${first.status} ${JSON.stringify(first.body)}`,
      );
      must.equal(await membershipOf(owner, roomId, user.userId), undefined, rule);
      must.matchResponse(await user.do('POST', user.knockPath(roomId), { body: {} }), { status: 200 }, setup('the user knocks'));
      const second = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
      must.ok(
        second.status === 403,
        spec('knock-restricted.restricted-join', 'a knock is no invite: POST /join still answers 403'),
        `got ${second.status} ${JSON.stringify(second.body)}`,
      );
      must.equal(await membershipOf(owner, roomId, user.userId), 'knock', rule);
    });

    it(`A fake user in no allowed room cannot join a knock_restricted room over make_join/send_join [spec:knock-restricted.restricted-join] [v${v}]`, async () => {
      const { owner, roomId } = await restrictedPair(env, v);
      const joiner = env.fake.userId(unique('joiner'));
      const join = await joinRemoteRoom(env.fake, { roomId, userId: joiner }).then(
        () => undefined,
        (error: Error) => error,
      );
      must.ok(
        join instanceof Error,
        spec('knock-restricted.restricted-join', 'make_join/send_join for a user meeting no allow condition is refused'),
        'the join went through',
      );
      should.ok(
        /\b403\b/.test(join?.message ?? ''),
        spec('knock-restricted.restricted-join', 'make_join SHOULD answer 403 ("not authorised") to a user who may not join'),
        join?.message,
      );
      must.equal(await membershipOf(owner, roomId, joiner), undefined, rule);
    });

    it(`An HSUT user who joined the allowed room and left it is refused POST /join on the knock_restricted room again [spec:knock-restricted.restricted-join] [v${v}]`, async () => {
      const { owner, allowedRoom, roomId } = await restrictedPair(env, v);
      const user = await env.newUser();
      await user.join(allowedRoom);
      await user.leave(allowedRoom);
      await waitForMembership(owner, allowedRoom, user.userId, 'leave');
      const res = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
      must.ok(
        res.status === 403,
        spec(
          'knock-restricted.restricted-join',
          'the allow condition is membership of the allowed room now: a user who left it is answered 403',
        ),
        `got ${res.status} ${JSON.stringify(res.body)}`,
      );
      must.equal(await membershipOf(owner, roomId, user.userId), undefined, rule);
    });
  }

  for (const v of KNOCK_WITHOUT_KNOCK_RESTRICTED_VERSIONS) {
    it(`In room version ${v} a member of the allowed room cannot join a room whose join rule says knock_restricted, over the client API or make_join/send_join [spec:knock-restricted.refused-before-v10] [v${v}]`, async () => {
      const { owner, allowedRoom, roomId } = await restrictedPair(env, v);
      const user = await env.newUser();
      await user.join(allowedRoom);
      const res = await user.do('POST', `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
      const before10 = spec(
        'knock-restricted.refused-before-v10',
        'before room version 10 knock_restricted is no join rule: a join without an invite is rejected whatever the allow list says',
      );
      must.ok(res.status >= 400 && res.status < 500, before10, `POST /join got ${res.status} ${JSON.stringify(res.body)}`);
      must.equal(await membershipOf(owner, roomId, user.userId), undefined, before10);
      const joiner = env.fake.userId(unique('joiner'));
      await joinRemoteRoom(env.fake, { roomId: allowedRoom, userId: joiner });
      const join = await joinRemoteRoom(env.fake, { roomId, userId: joiner }).then(
        () => undefined,
        (error: Error) => error,
      );
      must.ok(join instanceof Error, before10, 'make_join/send_join went through');
      must.equal(await membershipOf(owner, roomId, joiner), undefined, before10);
    });
  }
});
