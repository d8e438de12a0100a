import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribeHttpExchanges, type HttpExchange } from '../core/http-exchange';
import { CSClient, HttpError, membershipInSync, NetworkError, SyncTimeoutError } from './cs-client';
import { queryString } from '../http';

type Handler = (req: IncomingMessage, body: any, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => handler(req, text ? JSON.parse(text) : undefined, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('CSClient', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('encodes repeated query parameters and skips undefined ones', () => {
    expect(queryString({ via: ['a:1', 'b'], server_name: undefined, limit: 3 })).to.equal('?via=a%3A1&via=b&limit=3');
    expect(queryString({})).to.equal('');
  });

  it('knocks with via and reason, sends the token, and publishes the exchange', async () => {
    let seen: { url?: string; auth?: string; body?: unknown } = {};
    const s = await serve((req, body, res) => {
      seen = { url: req.url, auth: req.headers.authorization, body };
      json(res, 200, { room_id: '!r:hs' });
    });
    server = s.server;
    const url = s.url;
    const exchanges: HttpExchange[] = [];
    const unsubscribe = subscribeHttpExchanges((e) => exchanges.push(e));
    try {
      const client = new CSClient({ baseUrl: url, accessToken: 'tok', userId: '@a:hs' });
      expect(await client.knock('#room:hs', { via: ['hs'], reason: 'hi' })).to.deep.equal({ room_id: '!r:hs' });
    } finally {
      unsubscribe();
    }
    expect(seen.url).to.equal('/_matrix/client/v3/knock/%23room%3Ahs?via=hs');
    expect(seen.auth).to.equal('Bearer tok');
    expect(seen.body).to.deep.equal({ reason: 'hi' });
    expect(exchanges).to.have.length(1);
    expect(exchanges[0]).to.include({ actor: 'cs-client', method: 'POST', status: 200 });
    expect(exchanges[0].requestHeaders.authorization).to.equal('Bearer <redacted>');
  });

  it('returns errors from do() and throws HttpError naming method, path, status and body from helpers', async () => {
    const s = await serve((_req, _body, res) => json(res, 403, { errcode: 'M_FORBIDDEN', error: 'You are banned' }));
    server = s.server;
    const client = new CSClient({ baseUrl: s.url, accessToken: 't' });
    const raw = await client.do('POST', '/_matrix/client/v3/knock/!r', { body: {} });
    expect(raw).to.include({ status: 403, errcode: 'M_FORBIDDEN', error: 'You are banned' });
    try {
      await client.knock('!r:hs');
      expect.fail('knock should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).errcode).to.equal('M_FORBIDDEN');
      expect((err as Error).message).to.match(/^POST \/_matrix\/client\/v3\/knock\/!r%3Ahs → 403 .*M_FORBIDDEN/);
    }
  });

  it('turns a timeout into a NetworkError naming method and URL', async () => {
    const s = await serve(() => undefined); // never answers
    server = s.server;
    const client = new CSClient({ baseUrl: s.url, timeoutMs: 100 });
    try {
      await client.do('GET', '/slow');
      expect.fail('should time out');
    } catch (err) {
      expect(err).to.be.instanceOf(NetworkError);
      expect((err as Error).message).to.equal(`GET ${s.url}/slow: timed out after 100 ms`);
    }
    server.closeAllConnections();
  });

  it('syncUntil advances since until the predicate holds, and reports the last sync on timeout', async () => {
    let batch = 0;
    const sinces: Array<string | null> = [];
    const s = await serve((req, _body, res) => {
      sinces.push(new URL(req.url!, 'http://x').searchParams.get('since'));
      batch += 1;
      const rooms =
        batch >= 3
          ? {
              knock: {
                '!r:hs': {
                  knock_state: {
                    events: [{ type: 'm.room.member', state_key: '@k:hs', sender: '@k:hs', content: { membership: 'knock' } }],
                  },
                },
              },
            }
          : {};
      json(res, 200, { next_batch: `s${batch}`, rooms });
    });
    server = s.server;
    const client = new CSClient({ baseUrl: s.url, accessToken: 't' });
    const { body, since } = await client.syncUntil((b) => Boolean(b.rooms?.knock?.['!r:hs']), { timeoutMs: 5_000 });
    expect(since).to.equal('s3');
    expect(sinces).to.deep.equal([null, 's1', 's2']);
    expect(membershipInSync(body, '!r:hs', '@k:hs')).to.equal('knock');
    try {
      await client.syncUntil(() => false, { timeoutMs: 300 });
      expect.fail('should time out');
    } catch (err) {
      expect(err).to.be.instanceOf(SyncTimeoutError);
      expect((err as Error).message).to.include('last sync showed: next_batch=');
    }
  });
});
