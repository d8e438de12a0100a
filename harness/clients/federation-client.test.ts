import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey, parseXMatrix, verifyRequest } from '../core';
import { subscribeHttpExchanges, type HttpExchange } from '../core/http-exchange';
import { FederationClient } from './federation-client';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

describe('FederationClient', () => {
  const key = generateSigningKey('ed25519:fc');
  let server: Server;
  let baseUrl: string;
  let seen: Seen[];
  let reply: (req: IncomingMessage) => { status: number; body: string } | undefined;
  let client: FederationClient;

  beforeEach(async () => {
    seen = [];
    reply = () => ({ status: 200, body: '{"ok":true}' });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
        const answer = reply(req);
        if (!answer) return; // never answer
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new FederationClient({ serverName: 'origin.test', key, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await client.close();
  });

  it('signs the exact URI with query and the JSON body with X-Matrix', async () => {
    const body = { hello: 'wörld' };
    await client.request({
      destination: 'dest.test',
      baseUrl,
      method: 'PUT',
      path: '/_matrix/federation/v1/x/%21room%3Ahs',
      query: { ver: ['7', '10'] },
      body,
    });
    const [request] = seen;
    expect(request.url).to.equal('/_matrix/federation/v1/x/%21room%3Ahs?ver=7&ver=10');
    const params = parseXMatrix(request.authorization!);
    expect(params).to.include({ origin: 'origin.test', destination: 'dest.test', key: 'ed25519:fc' });
    const verified = verifyRequest(
      {
        method: 'PUT',
        uri: request.url,
        origin: 'origin.test',
        destination: 'dest.test',
        content: JSON.parse(request.body),
        keyId: params.key,
        sig: params.sig,
      },
      key.publicKey,
    );
    expect(verified).to.equal(true);
  });

  it('returns refusals raw, with errcode and error, instead of throwing', async () => {
    reply = () => ({ status: 403, body: '{"errcode":"M_FORBIDDEN","error":"no","extra":1}' });
    const response = await client.request({ destination: 'd', baseUrl, method: 'GET', path: '/p' });
    expect(response).to.include({ status: 403, errcode: 'M_FORBIDDEN', error: 'no' });
    expect(response.body).to.deep.equal({ errcode: 'M_FORBIDDEN', error: 'no', extra: 1 });
  });

  it('keeps a non-JSON body as text', async () => {
    reply = () => ({ status: 200, body: 'garbage{' });
    expect((await client.request({ destination: 'd', baseUrl, method: 'GET', path: '/p' })).body).to.equal('garbage{');
  });

  it('sends unsigned, with another key, or with a replaced header when asked', async () => {
    await client.request({ destination: 'd', baseUrl, method: 'GET', path: '/p', sign: false });
    await client.request({ destination: 'd', baseUrl, method: 'GET', path: '/p', authorizationOverride: 'X-Matrix nonsense' });
    const other = generateSigningKey('ed25519:fc');
    await client.request({ destination: 'd', baseUrl, method: 'GET', path: '/p', keyOverride: other });
    expect(seen[0].authorization).to.equal(undefined);
    expect(seen[1].authorization).to.equal('X-Matrix nonsense');
    const params = parseXMatrix(seen[2].authorization!);
    const request = { method: 'GET', uri: '/p', origin: 'origin.test', destination: 'd', keyId: params.key, sig: params.sig };
    expect(verifyRequest(request, other.publicKey)).to.equal(true);
    expect(verifyRequest(request, key.publicKey)).to.equal(false);
  });

  it('times out with a one-line message naming method and URL, and publishes the exchange', async () => {
    reply = () => undefined;
    const exchanges: HttpExchange[] = [];
    const unsubscribe = subscribeHttpExchanges((e) => exchanges.push(e));
    try {
      const error = await client.request({ destination: 'd', baseUrl, method: 'GET', path: '/slow', timeoutMs: 150 }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.match(/^GET http:\/\/127\.0\.0\.1:\d+\/slow: timed out after 150 ms$/);
      expect(exchanges.at(-1)).to.include({ actor: 'federation-client', method: 'GET' });
      expect(exchanges.at(-1)?.error).to.match(/timed out/);
    } finally {
      unsubscribe();
    }
  });
});
