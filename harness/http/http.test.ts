import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribeHttpExchanges, type HttpExchange } from '../core/http-exchange';
import { flattenHeaders, NetworkError, parseBody, queryString, send, toRawResponse } from '.';

describe('harness/http', () => {
  it('parses a body as JSON, else keeps the text, and an empty body as undefined', () => {
    expect(parseBody('{"a":1}')).to.deep.equal({ a: 1 });
    expect(parseBody('<html>')).to.equal('<html>');
    expect(parseBody('')).to.equal(undefined);
  });

  it('lifts errcode and error out of a Matrix error object only', () => {
    expect(toRawResponse(403, {}, '{"errcode":"M_FORBIDDEN","error":"no"}')).to.deep.equal({
      status: 403,
      headers: {},
      body: { errcode: 'M_FORBIDDEN', error: 'no' },
      errcode: 'M_FORBIDDEN',
      error: 'no',
    });
    expect(toRawResponse(200, {}, '[1]')).to.deep.equal({ status: 200, headers: {}, body: [1] });
  });

  it('flattens repeated headers and writes query strings with repeated keys', () => {
    expect(flattenHeaders({ a: 'x', b: ['1', '2'], c: undefined })).to.deep.equal({ a: 'x', b: '1, 2' });
    expect(queryString({ ver: ['7', '8'], limit: 3, skip: undefined })).to.equal('?ver=7&ver=8&limit=3');
    expect(queryString(undefined)).to.equal('');
  });

  describe('send()', () => {
    let server: Server;
    let url: string;
    before(async () => {
      server = createServer((req, res) => {
        if (req.url === '/slow') return; // never answers
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it('publishes the exchange only when told who talks, with the request headers the caller wants shown', async () => {
      const exchanges: HttpExchange[] = [];
      const unsubscribe = subscribeHttpExchanges((e) => exchanges.push(e));
      try {
        await send({ method: 'GET', url: `${url}/quiet`, timeoutMs: 1_000 });
        const raw = await send({
          method: 'GET',
          url: `${url}/loud`,
          headers: { authorization: 'Bearer secret' },
          timeoutMs: 1_000,
          exchange: { actor: 'cs-client', from: 'me', to: url, requestHeaders: { authorization: 'Bearer <redacted>' } },
        });
        expect(raw.body).to.deep.equal({ path: '/loud' });
      } finally {
        unsubscribe();
      }
      expect(exchanges).to.have.length(1);
      expect(exchanges[0]).to.include({ actor: 'cs-client', from: 'me', to: url, method: 'GET', url: `${url}/loud`, status: 200 });
      expect(exchanges[0].requestHeaders).to.deep.equal({ authorization: 'Bearer <redacted>' });
    });

    it('fails without an answer as a NetworkError "METHOD URL: reason", the reason on the exchange', async () => {
      const exchanges: HttpExchange[] = [];
      const unsubscribe = subscribeHttpExchanges((e) => exchanges.push(e));
      let error: unknown;
      try {
        error = await send({
          method: 'GET',
          url: `${url}/slow`,
          timeoutMs: 100,
          exchange: { actor: 'federation-client', from: 'a', to: 'b' },
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
      } finally {
        unsubscribe();
      }
      expect(error).to.be.instanceOf(NetworkError);
      expect((error as NetworkError).message).to.equal(`GET ${url}/slow: timed out after 100 ms`);
      expect((error as NetworkError).timedOut).to.equal(true);
      expect(exchanges.at(-1)?.error).to.equal('timed out after 100 ms');
    });

    it('names the system error code of a refused connection', async () => {
      const error = (await send({ method: 'GET', url: 'http://127.0.0.1:9/', timeoutMs: 1_000 }).catch((e: unknown) => e)) as NetworkError;
      expect(error.causeCode).to.equal('ECONNREFUSED');
      expect(error.message).to.match(/^GET http:\/\/127\.0\.0\.1:9\/: ECONNREFUSED /);
    });
  });
});
