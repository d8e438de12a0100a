/**
 * Knock auth rules on the path no endpoint pre-check guards: a resident fake server pushes PDUs over /send into a
 * room the HSUT hosts, so only the HSUT's PDU checks and auth rules stand between them and the room state.
 * Covered here: a knock that cites no join rules, a knocking user's own join, a ban or kick of a knocking user by
 * a member below the ban or kick level, and (over make_knock/send_knock) a room created with m.federate false.
 */
import { knockOn } from '../harness/fake-server';
import { must, setup, should, spec } from '../harness/match';
import {
  KNOCK_VERSIONS,
  membershipOf,
  pushMemberEventAndSettle,
  residentHsutRoom,
  unique,
  useFederationEnvironment,
  waitForMembership,
} from '../harness/testkit';

describe('Knock auth rules over /send: PDUs a resident server pushes meet only the PDU checks and the auth rules', function () {
  const env = useFederationEnvironment();

  for (const v of KNOCK_VERSIONS) {
    it(`A knock pushed over /send whose auth_events omit the join rules is rejected: the knocker gets no membership [spec:pdu-checks.auth-events,auth-rules.knock.join-rule-not-knock] [v${v}]`, async () => {
      const r = await residentHsutRoom(env, { roomVersion: v, joinRule: 'knock' });
      const knocker = env.fake.userId(unique('knocker'));
      const cited = ['m.room.create', 'm.room.power_levels']
        .map((type) => r.room.currentStateEvent(type))
        .filter((e) => e !== undefined)
        .map((e) => r.room.idOf(e))
        .filter((id) => !(r.room.version.roomIdFromCreateHash && id === r.room.idOf(r.room.currentStateEvent('m.room.create')!)));
      await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' }, authEvents: cited });
      must.equal(
        await membershipOf(r.owner, r.roomId, knocker),
        undefined,
        spec(
          'pdu-checks.auth-events',
          'a knock is authorised against its own auth_events: without the join rules among them the join_rule is not knock, so the knock is rejected',
        ),
      );
    });

    it(`A knocking user's own join pushed over /send is rejected in a knock room: the user stays knocking [spec:join-rules.knock-needs-invite-to-join,transitions.knock-to-join-refused] [v${v}]`, async () => {
      const r = await residentHsutRoom(env, { roomVersion: v, joinRule: 'knock' });
      const knocker = env.fake.userId(unique('knocker'));
      await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'knock' } });
      must.equal(await membershipOf(r.owner, r.roomId, knocker), 'knock', setup('the pushed knock is accepted'));
      await pushMemberEventAndSettle(env, r, { sender: knocker, stateKey: knocker, content: { membership: 'join' } });
      must.equal(
        await membershipOf(r.owner, r.roomId, knocker),
        'knock',
        spec(
          'join-rules.knock-needs-invite-to-join',
          'join_rule knock allows a join only from membership invite or join: a knocking user joining without an invite is rejected',
        ),
      );
    });

    for (const { action, membership, clause, level } of [
      { action: 'ban', membership: 'ban', clause: 'auth-rules.ban-needs-ban-level', level: 'ban' },
      { action: 'kick', membership: 'leave', clause: 'auth-rules.kick-needs-kick-level', level: 'kick' },
    ] as const) {
      it(`A ${action} of a knocking user pushed over /send by a member below the ${level} level is rejected: the user stays knocking [spec:${clause}] [v${v}]`, async () => {
        // The witness (level 10) is above the knocker (0), so only the ban or kick level (default 50) stands in its way.
        const r = await residentHsutRoom(env, { roomVersion: v, joinRule: 'knock', witnessPowerLevel: 10 });
        const knocker = env.fake.userId(unique('knocker'));
        const knock = await knockOn(env.fake, r.roomId, knocker);
        must.matchResponse(knock.send ?? knock.make, { status: 200 }, setup('the fake user knocks through make_knock/send_knock'));
        await waitForMembership(r.owner, r.roomId, knocker, 'knock');
        // The HSUT sends the knock to every server but its origin: the fake's copy takes it in itself, so that the
        // ban or kick cites the knock as the target's membership, as a correct server's event would.
        must.ok(r.room.addEvent(knock.event!, { eventId: knock.eventId! }).allowed, setup("the knock enters the fake's copy of the room"));
        await pushMemberEventAndSettle(env, r, { sender: r.witness, stateKey: knocker, content: { membership } });
        must.equal(
          await membershipOf(r.owner, r.roomId, knocker),
          'knock',
          spec(
            clause,
            `a ${action} needs the sender's power level at or above the ${level} level: the witness (level 10 of 50, above the knocker's 0) ${action}ing the knocker is rejected`,
          ),
        );
      });
    }

    it(`A knock from the fake server into a room created with m.federate false never enters the room [spec:auth-rules.m-federate] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const created = await owner.do('POST', '/_matrix/client/v3/createRoom', {
        body: {
          room_version: v,
          preset: 'private_chat',
          creation_content: { 'm.federate': false },
          initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
        },
      });
      must.matchResponse(created, { status: 200 }, setup('the HSUT creates a local-only knock room'));
      const roomId = (created.body as { room_id: string }).room_id;
      const knocker = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, knocker);
      const answered = knock.send ?? knock.make;
      must.ok(
        answered.status >= 400,
        spec('auth-rules.m-federate', 'the knock handshake into a room with m.federate false is refused'),
        `got ${answered.status} ${JSON.stringify(answered.body)}`,
      );
      should.matchResponse(
        knock.make,
        { status: 403 },
        spec('make_knock.forbidden', 'make_knock SHOULD answer 403 ("not permitted to knock") for a room that does not federate'),
      );
      must.equal(
        await membershipOf(owner, roomId, knocker),
        undefined,
        spec('auth-rules.m-federate', "a knock whose sender's domain is not the creator's is rejected in a room with m.federate false"),
      );
    });
  }
});
