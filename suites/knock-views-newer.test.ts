/**
 * What newer releases added around knocks, all worded as SHOULD (warnings, never failures):
 *   - v1.16, send_knock's knock_room_state: "Entries which are improperly signed or formatted SHOULD be removed by
 *     the server prior to supplying them over the Client-Server API." The fake resident answers one entry whose
 *     content no longer matches its hash (a receiving server redacts such an event: the forged name must not reach
 *     the client) and one whose signature is garbage (the entry should be gone).
 *   - v1.14, /hierarchy: the server "should return any rooms where … The room is "knockable"".
 *   - v1.15, /room_summary: a room the user knocked on is summarised with its join rule and the user's membership.
 * Each test's clauses carry their release, so a run judged at an older one reports them as not claimed.
 */
import { handleSendKnock, type Pdu } from '../harness/fake-server';
import { match, must, setup, should, spec } from '../harness/match';
import {
  KNOCK_RESTRICTED_VERSIONS,
  KNOCK_VERSIONS,
  TEST_TIMEOUT_MS,
  WAIT_MS,
  createHsutRoom,
  pollUntil,
  unique,
  useFederationEnvironment,
} from '../harness/testkit';

describe('Newer knock rules: untrusted knock_room_state entries, /hierarchy and /room_summary (SHOULD)', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  afterEach(() => {
    env.fake.use(handleSendKnock());
  });

  for (const v of KNOCK_VERSIONS) {
    it(`knock_room_state entries with a broken hash or signature do not reach the client's knock_state as they came [spec:sync.knock-state-bad-entries-removed] [v${v}]`, async () => {
      const client = await env.newUser();
      const realName = `real name ${unique('n')}`;
      const forgedName = `forged name ${unique('f')}`;
      const topic = `topic ${unique('t')}`;
      const room = env.fake.createRoom({
        roomVersion: v,
        creator: env.fake.userId(unique('doorkeeper')),
        joinRule: 'knock',
        name: realName,
        topic,
      });
      env.fake.use(
        handleSendKnock({
          wrap: async (request, next) => {
            const answer = await next();
            if (request.params.roomId !== room.roomId || !('status' in answer) || answer.status !== 200) return answer;
            const state = (answer.body as { knock_room_state: Pdu[] }).knock_room_state.map((entry) => {
              // Content changed after hashing: the content hash fails (the receiver redacts it).
              if (entry.type === 'm.room.name') return { ...entry, content: { name: forgedName } };
              // A signature that cannot verify.
              if (entry.type === 'm.room.topic')
                return {
                  ...entry,
                  signatures: {
                    [env.fake.serverName]: Object.fromEntries(
                      Object.keys(entry.signatures?.[env.fake.serverName] ?? { 'ed25519:x': '' }).map((k) => [k, 'A'.repeat(86)]),
                    ),
                  },
                };
              return entry;
            });
            return { status: 200, body: { knock_room_state: state } };
          },
        }),
      );
      const res = await client.do('POST', client.knockPath(room.roomId), { query: { via: [env.fake.serverName] }, body: {} });
      must.matchResponse(
        res,
        { status: 200, body: [match.jsonKeyEqual('room_id', room.roomId)] },
        spec('client.knock', 'POST /knock answers 200 with room_id once the resident server accepted the knock'),
      );
      const body = await pollUntil(
        async () => {
          const sync = await client.sync();
          return sync.rooms?.knock?.[room.roomId] ? sync : undefined;
        },
        { timeoutMs: WAIT_MS, description: `${room.roomId} under rooms.knock in an initial /sync` },
      );
      const events = body.rooms?.knock?.[room.roomId]?.knock_state?.events ?? [];
      const rule = spec(
        'sync.knock-state-bad-entries-removed',
        'knock_room_state entries that are improperly signed or formatted SHOULD be removed before they reach the client',
      );
      should.equal(
        events.filter((e) => e.type === 'm.room.name' && e.content?.name === forgedName).length,
        0,
        spec(
          'sync.knock-state-bad-entries-removed',
          `${rule.text} — an m.room.name whose content fails its hash is shown with the forged name`,
        ),
      );
      should.equal(
        events.filter((e) => e.type === 'm.room.topic').map((e) => e.content?.topic),
        [],
        spec('sync.knock-state-bad-entries-removed', `${rule.text} — an m.room.topic whose signature cannot verify is still shown`),
      );
    });
  }

  for (const [joinRule, versions] of [
    ['knock', KNOCK_VERSIONS],
    ['knock_restricted', KNOCK_RESTRICTED_VERSIONS],
  ] as const) {
    for (const v of versions) {
      it(`A public space's /hierarchy lists its ${joinRule} child room to a user who is not in it, with join_rule ${joinRule} [spec:hierarchy.knock-rooms-listed] [v${v}]`, async () => {
        const owner = await env.roomOwner();
        const outsider = await env.newUser();
        const name = `${joinRule} child ${unique('c')}`;
        const child = await createHsutRoom(owner, {
          roomVersion: v,
          joinRule,
          name,
          ...(joinRule === 'knock_restricted' ? { allowRooms: [] } : {}),
        });
        const { room_id: space } = await owner.createRoom({
          preset: 'public_chat',
          name: `space ${unique('s')}`,
          creation_content: { type: 'm.space' },
          initial_state: [{ type: 'm.space.child', state_key: child, content: { via: [env.hs.serverName] } }],
        });
        const res = await outsider.do('GET', `/_matrix/client/v1/rooms/${encodeURIComponent(space)}/hierarchy`);
        must.matchResponse(
          res,
          { status: 200 },
          setup('GET /hierarchy of a public space answers 200 to a user who is not in it (the space itself is public)'),
        );
        const rooms = (res.body as { rooms?: Array<{ room_id?: string; join_rule?: string }> }).rooms ?? [];
        const entry = rooms.find((r) => r.room_id === child);
        const rule = `The server SHOULD return rooms that are knockable (join rule ${joinRule}) in /hierarchy`;
        if (
          should.ok(
            entry !== undefined,
            spec('hierarchy.knock-rooms-listed', rule),
            `rooms listed: ${JSON.stringify(rooms.map((r) => r.room_id))}`,
          )
        ) {
          should.equal(entry!.join_rule, joinRule, spec('hierarchy.knock-rooms-listed', `${rule}, with its join_rule`));
        }
      });
    }
  }

  for (const v of KNOCK_VERSIONS) {
    it(`GET /room_summary of a room the user knocked on gives join_rule knock and membership knock [spec:room-summary.knock-membership] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const knocker = await env.newUser();
      const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock', name: `summary ${unique('r')}` });
      const knock = await knocker.do('POST', knocker.knockPath(roomId), { body: {} });
      must.matchResponse(knock, { status: 200 }, spec('client.knock', 'POST /knock on a knock room of the HSUT answers 200'));
      const res = await knocker.do('GET', `/_matrix/client/v1/room_summary/${encodeURIComponent(roomId)}`);
      const rule =
        "GET /room_summary of a room the user knocked on SHOULD summarise it with join_rule knock and the user's membership knock";
      if (
        should.matchResponse(
          res,
          { status: 200, body: [match.jsonKeyEqual('room_id', roomId)] },
          spec('room-summary.knock-membership', rule),
        )
      ) {
        should.matchJson(
          res.body,
          [match.jsonKeyEqual('join_rule', 'knock'), match.jsonKeyEqual('membership', 'knock')],
          spec('room-summary.knock-membership', rule),
        );
      }
    });
  }
});
