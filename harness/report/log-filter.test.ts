import { expect } from 'chai';
import type { HttpExchange } from '../core/http-exchange';
import { idsInExchanges, linesOfTest } from './log-filter';

const exchange = (partial: Partial<HttpExchange>): HttpExchange => ({
  actor: 'federation-client',
  from: 'fake',
  to: 'hsut',
  method: 'GET',
  url: '/',
  requestHeaders: {},
  startedAt: 0,
  durationMs: 1,
  ...partial,
});

const line = (tag: string, message: string) => `2026-11-24 13:16:14,151 - synapse.handlers.x - 1 - INFO - ${tag} - ${message}`;

describe('HSUT log lines of one test', () => {
  it('finds the room, user and event IDs of its exchanges, in decoded URLs and in bodies', () => {
    const v12Room = `!${'a'.repeat(43)}`;
    const ids = idsInExchanges([
      exchange({ url: '/_matrix/federation/v1/make_knock/!r1%3Ahs%3A8448/%40knocker-1%3A127.0.0.1%3A40359' }),
      exchange({ responseBody: { event_id: `$${'B'.repeat(43)}`, room_id: v12Room, alias: '#a:hs' } }),
    ]);
    expect([...ids]).to.have.members(['!r1:hs:8448', '@knocker-1:127.0.0.1:40359', `$${'B'.repeat(43)}`, v12Room, '#a:hs']);
  });

  it('keeps lines naming an ID (raw or percent-encoded) and every line of the same request, and counts the rest', () => {
    const log = [
      line('GET-1', "uri='/_matrix/federation/v1/make_knock/!r1%3Ahs/%40k%3Afake'"),
      line('GET-1', 'Processed request: 403'),
      line('POST-2', 'Auth completed for someone else'),
      line('sentinel', 'startup line naming !r1:hs'),
      line('sentinel', 'unrelated startup line'),
    ].join('\n');
    const filtered = linesOfTest(log, new Set(['!r1:hs', '@k:fake']));
    expect(filtered.lines).to.deep.equal([
      line('GET-1', "uri='/_matrix/federation/v1/make_knock/!r1%3Ahs/%40k%3Afake'"),
      line('GET-1', 'Processed request: 403'),
      line('sentinel', 'startup line naming !r1:hs'),
    ]);
    expect(filtered.omitted).to.equal(2);
  });

  it('keeps the whole window when the test made no exchange naming an ID', () => {
    expect(linesOfTest('a\nb\n', new Set())).to.deep.equal({ lines: ['a', 'b'], omitted: 0 });
  });
});
