/**
 * The HSUT as knocking server checks the make_knock template before it signs it (knocks.yaml, written down in
 * v1.18 as a clarification): room_id is the room asked for, sender and state_key are the knocking user, the type is
 * m.room.member and content.membership is knock — "otherwise the response MUST be treated as malformed and
 * discarded". A server that repairs the template instead (overwrites a field and signs) has not discarded it. Each
 * case: no send_knock reaches the resident, the client's POST /knock fails, and the user has no knock.
 */
import type { CSClient } from '../harness/clients/cs-client';
import { handleMakeKnock, handleSendKnock, type FakeRoom, type HandlerWrapper, type Pdu } from '../harness/fake-server';
import { must, spec } from '../harness/match';
import { KNOCK_VERSIONS, TEST_TIMEOUT_MS, freshSync, unique, useFederationEnvironment } from '../harness/testkit';

type Tamper = (event: Pdu, context: { room: FakeRoom; otherUser: string }) => void;

const CASES: Array<{ field: string; tamper: Tamper }> = [
  {
    field: 'a room_id other than the room asked for',
    tamper: (e) => void (e.room_id = `!${unique('elsewhere')}:${e.origin ?? 'example.org'}`),
  },
  { field: 'a sender other than the knocking user', tamper: (e, c) => void (e.sender = c.otherUser) },
  { field: 'a state_key other than the knocking user', tamper: (e, c) => void (e.state_key = c.otherUser) },
  { field: 'a type other than m.room.member', tamper: (e) => void (e.type = 'm.room.join_rules') },
  { field: 'content.membership join instead of knock', tamper: (e) => void (e.content = { ...e.content, membership: 'join' }) },
];

function tamperFor(roomId: string, tamper: Tamper, room: FakeRoom, otherUser: string): HandlerWrapper {
  return async (request, next) => {
    const answer = await next();
    if (request.params.roomId === roomId && 'status' in answer && answer.status === 200) {
      tamper((answer.body as { event: Pdu }).event, { room, otherUser });
    }
    return answer;
  };
}

describe('Outbound knock: the HSUT discards a make_knock template that is not a knock of its user for the room', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  afterEach(() => {
    env.fake.use(handleMakeKnock()).use(handleSendKnock());
  });

  for (const v of KNOCK_VERSIONS) {
    for (const { field, tamper } of CASES) {
      it(`A make_knock template with ${field} is discarded: no send_knock, POST /knock fails, no knock recorded [spec:make_knock.template-checked] [v${v}]`, async () => {
        const client: CSClient = await env.newUser();
        const room = env.fake.createRoom({
          roomVersion: v,
          creator: env.fake.userId(unique('doorkeeper')),
          joinRule: 'knock',
          name: `template check v${v}`,
        });
        env.fake.use(handleMakeKnock({ wrap: tamperFor(room.roomId, tamper, room, env.fake.userId(unique('someone-else'))) }));
        const since = env.fake.mark();
        const res = await client.do('POST', client.knockPath(room.roomId), { query: { via: [env.fake.serverName] }, body: {} });
        const sendKnocks = env.fake.requests('send_knock', { since });
        const rule = spec(
          'make_knock.template-checked',
          `a template with ${field} is malformed and MUST be discarded, never signed and sent to send_knock`,
        );
        must.equal(
          sendKnocks.map((r) => `${r.method} ${r.path} membership=${String((r.body as Pdu | undefined)?.content?.membership)}`),
          [],
          rule,
        );
        must.ok(
          res.status >= 400,
          spec('make_knock.template-checked', 'a knock whose only template was discarded fails the client request with an error'),
          `got ${res.status} ${JSON.stringify(res.body)}`,
        );
        const sync = await freshSync(client);
        must.ok(
          sync.rooms?.knock?.[room.roomId] === undefined && sync.rooms?.join?.[room.roomId] === undefined,
          spec('make_knock.template-checked', 'a discarded template leaves the user with no knock (and no membership) in the room'),
          `the user's /sync lists the room: ${JSON.stringify(Object.keys(sync.rooms ?? {}).filter((s) => (sync.rooms as Record<string, Record<string, unknown>>)[s]?.[room.roomId]))}`,
        );
      });
    }
  }
});
