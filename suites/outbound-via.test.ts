/**
 * Knocking through several `via` servers. When the first server's make_knock fails the knocking server "MAY try
 * to knock through another server" (knocks.yaml): trying the next one is a SHOULD here, never a MUST. A make_knock
 * 400 "should be passed through to clients" (SHOULD). What is a MUST either way: no send_knock goes to a server
 * whose make_knock failed, and a knock the client is told succeeded went through send_knock to a resident server.
 */
import { customHandler, matrixError, standardHandlers, type FakeServer } from '../harness/fake-server';
import { must, should, spec } from '../harness/match';
import { KNOCK_VERSIONS, TEST_TIMEOUT_MS, unique, useFederationEnvironment } from '../harness/testkit';

function sentTo(fake: FakeServer, since: number, handler: string): number {
  return fake.requests(handler, { since }).length;
}

describe('Outbound knock through several via servers: the next server after a failed make_knock, and a make_knock 400 passed on', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const env = useFederationEnvironment();

  // One room version stands for all: the failover is the knocking server's, not the room's.
  const v = KNOCK_VERSIONS[KNOCK_VERSIONS.length - 1];
  if (v === undefined) return;

  it(`When the first via server's make_knock answers 500, the knock goes through the next via server [spec:make_knock.template-checked,send_knock.outbound] [v${v}]`, async () => {
    const client = await env.newUser();
    // Its own fake: a 500 makes the HSUT back off from that destination for a while.
    const broken = await env.startOtherFakeServer([
      ...standardHandlers(),
      customHandler('make_knock', () => matrixError(500, 'M_UNKNOWN', 'Internal server error')),
    ]);
    const room = env.fake.createRoom({ roomVersion: v, creator: env.fake.userId(unique('doorkeeper')), joinRule: 'knock' });
    const since = env.fake.mark();
    const brokenSince = broken.mark();
    const res = await client.do('POST', client.knockPath(room.roomId), {
      query: { via: [broken.serverName, env.fake.serverName] },
      body: {},
    });
    must.equal(
      sentTo(broken, brokenSince, 'send_knock'),
      0,
      spec('send_knock.outbound', 'no send_knock goes to a server whose make_knock failed'),
    );
    should.ok(
      res.status === 200,
      spec('make_knock.template-checked', 'after a failed make_knock the knocking server MAY (here: SHOULD) try the next via server'),
      `got ${res.status} ${JSON.stringify(res.body)}`,
    );
    if (res.status === 200) {
      must.ok(
        sentTo(env.fake, since, 'send_knock') > 0,
        spec('send_knock.outbound', 'a knock reported as done to the client went through send_knock to a resident server'),
        'no send_knock reached the second via server',
      );
      must.equal(room.membership(client.userId), 'knock', spec('send_knock.outbound', "the resident server holds the user's knock"));
    }
  });

  it(`A make_knock 400 M_INCOMPATIBLE_ROOM_VERSION from the only via server fails POST /knock, and is passed through [spec:make_knock.error-passed-to-client,send_knock.outbound] [v${v}]`, async () => {
    const client = await env.newUser();
    const refusing = await env.startOtherFakeServer([
      ...standardHandlers(),
      customHandler('make_knock', () => ({
        status: 400,
        body: {
          errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
          error: 'Your homeserver does not support the features required to knock on this room',
          room_version: '7',
        },
      })),
    ]);
    const room = refusing.createRoom({ roomVersion: v, creator: refusing.userId(unique('doorkeeper')), joinRule: 'knock' });
    const since = refusing.mark();
    const res = await client.do('POST', client.knockPath(room.roomId), { query: { via: [refusing.serverName] }, body: {} });
    must.ok(
      res.status >= 400,
      spec('send_knock.outbound', 'without a template there is no knock: POST /knock fails'),
      `got ${res.status} ${JSON.stringify(res.body)}`,
    );
    must.equal(
      sentTo(refusing, since, 'send_knock'),
      0,
      spec('send_knock.outbound', 'no send_knock goes to a server whose make_knock failed'),
    );
    should.matchResponse(
      res,
      { status: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION' },
      spec('make_knock.error-passed-to-client', "make_knock's 400 should be passed through to the client"),
    );
  });
});
