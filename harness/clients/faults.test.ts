/**
 * The clients against a hostile homeserver: every misbehaviour ends in a clear error or a raw answer the test
 * can assert on, within the call's timeout, never a hang or a crash of the harness.
 */
import { expect } from 'chai';
import { CSClient } from './cs-client';
import { MAX_RESPONSE_BYTES } from '../http';
import { startHostileServer, type HostileServer, type Misbehaviour } from './hostile-server';

describe('The client-server client facing a hostile homeserver', function () {
  this.timeout(5_000);
  let hostile: HostileServer;
  const servers: HostileServer[] = [];

  async function clientFacing(mode: Misbehaviour): Promise<CSClient> {
    hostile = await startHostileServer({}, mode);
    servers.push(hostile);
    return new CSClient({ baseUrl: hostile.url, accessToken: 'token', userId: '@me:hostile', timeoutMs: 500 });
  }

  after(async () => {
    await Promise.all(servers.map((s) => s.crash().catch(() => undefined)));
  });

  it('garbage JSON comes back as the raw text with its status, for the test to judge', async () => {
    const client = await clientFacing('garbage-json');
    const raw = await client.do('GET', '/_matrix/client/v3/sync');
    expect(raw.status).to.equal(200);
    expect(raw.body).to.equal('{"rooms": [unterminated');
    expect(raw.errcode).to.equal(undefined);
  });

  it('a wrong content type comes back as text the test can see', async () => {
    const client = await clientFacing('wrong-content-type');
    const raw = await client.do('GET', '/_matrix/client/v3/sync');
    expect(raw.headers['content-type']).to.equal('text/html');
    expect(raw.body).to.contain('nginx');
  });

  it(`a 10 MB body is cut off at ${MAX_RESPONSE_BYTES} bytes with a clear error`, async () => {
    const client = await clientFacing('huge-body');
    const error = await client.do('GET', '/_matrix/client/v3/sync').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/GET http:\/\/127\.0\.0\.1:\d+\/_matrix\/client\/v3\/sync: .*larger than 4194304 bytes/);
  });

  it('a server that never answers fails the call at its timeout, naming method, URL and the timeout', async () => {
    const client = await clientFacing('never-answer');
    const started = Date.now();
    const error = await client.do('GET', '/_matrix/client/v3/sync').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(Date.now() - started).to.be.lessThan(2_000);
    expect(error?.message).to.match(/GET http:\/\/127\.0\.0\.1:\d+\/_matrix\/client\/v3\/sync: timed out after 500 ms/);
  });

  it('a connection closed in the middle of a response fails the call with the network reason', async () => {
    const client = await clientFacing('close-mid-response');
    const error = await client.do('GET', '/_matrix/client/v3/sync').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal('NetworkError');
    expect(error?.message).to.match(/GET http:\/\/127\.0\.0\.1:\d+\/_matrix\/client\/v3\/sync: /);
  });

  it('a server that crashed is reported as refusing connections', async () => {
    const client = await clientFacing('ok-versions');
    await hostile.crash();
    const error = await client.do('GET', '/_matrix/client/versions').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/ECONNREFUSED/);
  });
});
