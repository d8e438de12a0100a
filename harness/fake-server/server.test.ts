import { expect } from 'chai';
import { generateSigningKey } from '../core';
import { customHandler, handleKeyRequests, handleProfileQuery, matrixError, stall, startFakeServer, type FakeServer } from '.';

const path = '/_matrix/federation/v1/query/profile';

describe('fake-server inbound requests (X-Matrix, routing, recording)', () => {
  let fake: FakeServer;
  let peer: FakeServer;

  beforeEach(async () => {
    fake = await startFakeServer({ handlers: [handleKeyRequests(), handleProfileQuery()] });
    peer = await startFakeServer({ handlers: [handleKeyRequests()] });
    fake.setProfile(fake.userId('bob'), { displayname: 'Bob' });
  });

  afterEach(async () => {
    await Promise.all([fake.close(), peer.close()]);
  });

  const ask = (options: Partial<Parameters<FakeServer['request']>[0]> = {}) =>
    peer.request({ destination: fake.serverName, method: 'GET', path, query: { user_id: fake.userId('bob') }, ...options });

  it('starts fast once the CA exists and serves its self-signed key document over TLS from the per-run CA', async () => {
    const started = Date.now();
    const another = await startFakeServer({ handlers: [handleKeyRequests()] });
    expect(Date.now() - started).to.be.lessThan(100);
    await another.close();
    const keys = await peer.keys.keyDocument(fake.serverName); // fetched over TLS and its self-signature verified
    expect(keys.server_name).to.equal(fake.serverName);
    expect(keys.verify_keys).to.have.property(fake.key.keyId);
    expect(keys.valid_until_ts).to.be.greaterThan(Date.now());
  });

  it('accepts a request signed with the origin key and tells the handler the origin', async () => {
    const response = await ask();
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ displayname: 'Bob' });
    const [record] = fake.inboundRequests().filter((r) => r.handler === 'query_profile');
    expect(record.origin).to.equal(peer.serverName);
  });

  it("records the route's path params with the request, and lists a handler's requests since a mark", async () => {
    const since = fake.mark();
    fake.use(customHandler('make_knock', () => matrixError(404, 'M_NOT_FOUND', 'no such room')));
    const roomId = '!room:elsewhere';
    const userId = peer.userId('knocker');
    await peer.request({
      destination: fake.serverName,
      method: 'GET',
      path: `/_matrix/federation/v1/make_knock/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}`,
    });
    await ask();
    const [make] = fake.requests('make_knock', { since });
    expect(make.params).to.deep.equal({ roomId, userId });
    expect(fake.requests('make_knock', { since, where: (r) => r.params.roomId === '!other:x' })).to.deep.equal([]);
    expect(fake.requests('query_profile', { since }).map((r) => r.params)).to.deep.equal([{}]);
    expect(fake.requests('make_knock', { since: fake.mark() })).to.deep.equal([]);
  });

  for (const [what, options, reason] of [
    ['a forged signature', { keyOverride: generateSigningKey('ed25519:forged') }, /no key ed25519:forged|publishes no key/],
    ['a wrong key under the real key id', () => ({ keyOverride: generateSigningKey(peerKeyId()) }), /does not verify/],
    ['no signature', { sign: false }, /no Authorization header/],
    ['a garbage header', { authorizationOverride: 'Bearer abc' }, /not X-Matrix/],
  ] as const) {
    it(`answers ${what} with 401 M_UNAUTHORIZED and records why`, async () => {
      const response = await ask(typeof options === 'function' ? options() : options);
      expect(response.status).to.equal(401);
      expect(response.errcode).to.equal('M_UNAUTHORIZED');
      const record = fake.inboundRequests().at(-1)!;
      expect(record.status).to.equal(401);
      expect(record.authError).to.match(reason);
    });
  }
  function peerKeyId(): string {
    return peer.key.keyId;
  }

  it('refuses a request addressed to another server name', async () => {
    const response = await peer.request({
      destination: 'other.example',
      baseUrl: fake.url,
      method: 'GET',
      path,
      query: { user_id: fake.userId('bob') },
    });
    expect(response.status).to.equal(401);
    expect(fake.inboundRequests().at(-1)!.authError).to.match(/destination other\.example/);
  });

  it('answers requests no handler takes with 404 M_UNRECOGNIZED and lists them as unexpected', async () => {
    const response = await ask({ path: '/_matrix/federation/v1/make_knock/!r:x/@u:y', query: { ver: ['7'] } });
    expect(response.status).to.equal(404);
    expect(response.errcode).to.equal('M_UNRECOGNIZED');
    const unexpected = fake.unexpectedRequests();
    expect(unexpected).to.have.length(1);
    expect(unexpected[0].path).to.equal('/_matrix/federation/v1/make_knock/!r:x/@u:y');
    expect(unexpected[0].origin).to.equal(peer.serverName);
  });

  it('lets a test replace or wrap a handler', async () => {
    fake.use(customHandler('query_profile', () => matrixError(418, 'M_TEAPOT', 'replaced')));
    expect((await ask()).errcode).to.equal('M_TEAPOT');
    fake.use(
      handleProfileQuery({
        wrap: async (_request, next) => {
          const answer = await next();
          return 'status' in answer ? { ...answer, body: { ...(answer.body as object), wrapped: true } } : answer;
        },
      }),
    );
    expect((await ask()).body).to.deep.equal({ displayname: 'Bob', wrapped: true });
  });

  it('stalls on request, so the caller times out, and records the request at once', async () => {
    fake.use(customHandler('query_profile', () => stall()));
    const error = await ask({ timeoutMs: 300 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/timed out after 300 ms/);
    expect(fake.inboundRequests().at(-1)!.status).to.equal(0);
  });

  it('waitFor resolves on a record that arrives later and rejects with the traffic list on timeout', async () => {
    const since = fake.mark();
    const waiting = fake.waitForRequest('query_profile', { timeoutMs: 5_000, since });
    await ask();
    expect((await waiting).status).to.equal(200);
    const failure = await fake
      .waitFor((r) => r.kind === 'edu', { timeoutMs: 50, description: 'an EDU' })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(failure?.message).to.match(/waited 50 ms for an EDU/);
    expect(failure?.message).to.include('GET /_matrix/federation/v1/query/profile');
  });
});
