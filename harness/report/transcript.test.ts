import { expect } from 'chai';
import type { HttpExchange } from '../core/http-exchange';
import {
  compactJson,
  elideSignatures,
  exchangesInFull,
  formatBody,
  formatTranscript,
  redactAuthorization,
  redactTokens,
  shownHeaders,
  summariseEventArrays,
} from './transcript';
import { parseTitleTags, testIdFromTitle } from './test-id';
import { record } from './test-records';

describe('transcript formatting', () => {
  it('keeps X-Matrix origin, destination and key but never the signature; hides bearer tokens', () => {
    const header = 'X-Matrix origin="fake:1234",destination="hs:8008",key="ed25519:a1",sig="c2lnbmF0dXJl"';
    expect(redactAuthorization(header)).to.equal('X-Matrix origin=fake:1234,destination=hs:8008,key=ed25519:a1 sig=<redacted>');
    expect(redactAuthorization('Bearer syt_secret')).to.equal('Bearer <redacted>');
    expect(shownHeaders({ Authorization: header, 'Content-Type': 'application/json', 'x-other': '1' })).to.deep.equal([
      'authorization: X-Matrix origin=fake:1234,destination=hs:8008,key=ed25519:a1 sig=<redacted>',
      'content-type: application/json',
    ]);
  });

  it('summarises long arrays of events and truncates big bodies', () => {
    const events = Array.from({ length: 5 }, (_, i) => ({
      type: 'm.room.member',
      state_key: `@u${i}:hs`,
      sender: `@u${i}:hs`,
      content: { membership: 'knock' },
    }));
    const summary = summariseEventArrays({ pdus: events }) as { pdus: string[] };
    expect(summary.pdus[0]).to.equal('(5 events)');
    expect(summary.pdus[1]).to.equal('m.room.member [@u0:hs] membership=knock sender=@u0:hs');
    const big = formatBody({ blob: 'x'.repeat(10_000) });
    expect(big).to.match(/… \(truncated: \d+ bytes, first 4096 shown\)$/);
    expect(big.length).to.be.lessThan(4200);
  });

  it('parses spec and room version tags and builds stable file-safe ids', () => {
    expect(parseTitleTags('make_knock refuses [spec:make_knock.forbidden,auth-rules.knock.from-ban] [v7]')).to.deep.equal({
      clauses: ['make_knock.forbidden', 'auth-rules.knock.from-ban'],
      roomVersions: ['7'],
    });
    const id = testIdFromTitle('knock A user/that is banned: cannot knock [spec:x] [v10]');
    expect(id).to.match(/^knock-a-user-that-is-banned-cannot-knock-[0-9a-f]{8}$/);
    expect(testIdFromTitle('knock A user/that is banned: cannot knock [spec:x] [v10]')).to.equal(id);
    expect(testIdFromTitle('knock A user/that is banned: cannot knock [spec:x] [v11]')).not.to.equal(id);
  });
});

describe('transcript layout', () => {
  const t0 = 1_700_000_000_000;
  const exchange = (over: Partial<HttpExchange>): HttpExchange => ({
    actor: 'cs-client',
    from: '@alice:hs (client)',
    to: 'http://127.0.0.1:8008',
    method: 'GET',
    url: 'http://127.0.0.1:8008/_matrix/client/v3/sync',
    requestHeaders: {},
    status: 200,
    responseBody: {},
    startedAt: t0,
    durationMs: 5,
    ...over,
  });
  const pdu = {
    type: 'm.room.member',
    state_key: '@bob:fake',
    sender: '@bob:fake',
    content: { membership: 'knock' },
    hashes: { sha256: 'abc' },
    signatures: { fake: { 'ed25519:k': 'SIG' } },
    depth: 3,
  };
  const exchanges = [
    // recorded by completion: the knock started before the make_knock it caused
    exchange({
      method: 'GET',
      url: '/_matrix/federation/v1/make_knock/%21r%3Afake/%40bob%3Afake',
      actor: 'fake-server',
      from: 'hs',
      to: 'fake 127.0.0.1:9',
      startedAt: t0 + 30,
      responseBody: { room_version: '7', event: pdu },
    }),
    exchange({
      method: 'POST',
      url: 'http://127.0.0.1:8008/_matrix/client/v3/register',
      startedAt: t0,
      requestBody: { username: 'alice' },
      responseBody: { user_id: '@alice:hs', access_token: 'syt_secret' },
    }),
    exchange({
      method: 'POST',
      url: 'http://127.0.0.1:8008/_matrix/client/v3/knock/%21r%3Afake',
      startedAt: t0 + 20,
      requestBody: {},
      status: 403,
      responseBody: { errcode: 'M_FORBIDDEN', error: 'no' },
    }),
    exchange({
      method: 'PUT',
      url: '/_matrix/federation/v1/send_knock/%21r%3Afake/%24e',
      actor: 'fake-server',
      from: 'hs',
      to: 'fake 127.0.0.1:9',
      startedAt: t0 + 40,
      requestBody: pdu,
      responseBody: { knock_room_state: [] },
    }),
  ];
  const failed = record('S', 'a knock [spec:client.knock] [v7]', 'failed', {
    startedAt: t0,
    endedAt: t0 + 100,
    error: {
      message: 'POST /knock MUST answer 200: got 403 M_FORBIDDEN {"errcode":"M_FORBIDDEN","error":"no"}',
      code: 'KK_SPEC_VIOLATION',
    },
  });

  it('indexes the exchanges in start order, marks the one the assertion quotes, shows it first in full, and setup by its index line only', () => {
    const text = formatTranscript({ record: failed, exchanges, sidecar: 'x.exchanges.json' });
    const index = text.split('\n').filter((l) => /^ +\d+\. \+\d+ms/.test(l));
    expect(index.map((l) => /^ +\d+\. \+\d+ms +(\S+ \S+)/.exec(l)?.[1])).to.deep.equal([
      'POST /_matrix/client/v3/register',
      'POST /_matrix/client/v3/knock/!r:fake',
      'GET /_matrix/federation/v1/make_knock/!r:fake/@bob:fake',
      'PUT /_matrix/federation/v1/send_knock/!r:fake/$e',
    ]);
    expect(index[0]).to.match(/→ 200 {2}5ms {2}cs-client @alice:hs {2}\(setup\)$/);
    expect(index[1]).to.match(/→ 403 .* {2}◀ the assertion is about this one$/);
    expect(index[2]).to.contain('fake-server hs → fake 127.0.0.1:9');
    const lines = text.split('\n');
    const firstInFull = lines.findIndex((l) => l.startsWith('### '));
    expect(lines[firstInFull]).to.equal('### 2. POST /_matrix/client/v3/knock/!r:fake  ◀ the assertion is about this one');
    expect(firstInFull).to.be.lessThan(25);
    expect(text).not.to.contain('"username"'); // setup collapsed
    expect(text).not.to.contain('syt_secret');
    expect(text).to.contain('all in full: x.exchanges.json');
    // the others on one line each, signatures and hashes elided
    expect(text).to.match(
      /^ {2}3\. < 200 \{"room_version": "7", "event": \{.*"hashes": "<sha256 elided>", "signatures": "<fake signature elided>"/m,
    );
    expect(text).to.match(/^ {2}4\. > \{"type": "m.room.member"/m);
    expect(text).not.to.contain('SIG');
    expect(text.split('\n').length).to.be.lessThan(40);
  });

  it('without a quoted exchange marks the last one before the failure, and keeps /sync to its rooms', () => {
    const sync = exchange({
      startedAt: t0 + 50,
      responseBody: { next_batch: 's1', rooms: { knock: {} }, account_data: { events: [{ type: 'm.push_rules', content: {} }] } },
    });
    const text = formatTranscript({
      record: { ...failed, error: { message: 'knock_state MUST be stripped' } },
      exchanges: [...exchanges, sync],
    });
    expect(text).to.contain('### 5. GET /_matrix/client/v3/sync  ◀ the last before the failure');
    expect(text).to.contain('"(not shown)": "account_data"');
    expect(text).not.to.contain('m.push_rules');
  });

  it("leaves the homeserver's registration lines out of its log excerpt, and says so", () => {
    const log = [
      "2026-12-02 16:35:04,673 - synapse.handlers.auth - 600 - INFO - POST-13 - Auth completed with creds: {'m.login.dummy': True}. Client dict has keys: ['username']",
      '2026-12-02 16:35:04,748 - synapse.handlers.auth - 1003 - INFO - POST-13 - Logging in user @alice:hs on device X',
      '2026-12-02 16:35:05,303 - synapse.handlers.federation - 371 - INFO - POST-15 - knock of @alice:hs in !r:fake',
    ].join('\n');
    const text = formatTranscript({ record: failed, exchanges, homeserverLog: log });
    expect(text).to.contain('## Homeserver log (test window; 2 lines of user registration left out)');
    expect(text).to.contain('knock of @alice:hs in !r:fake');
    expect(text).not.to.contain('Logging in user');
  });

  it('keeps short JSON on one line, redacts tokens, and names the keys an event carries beyond stripped state', () => {
    expect(compactJson({ a: { b: [1, 2] }, s: 'x,"y":' })).to.equal('{"a": {"b": [1, 2]}, "s": "x,\\"y\\":"}');
    expect(compactJson({ long: 'x'.repeat(130), n: 1 })).to.equal(`{\n  "long": "${'x'.repeat(130)}",\n  "n": 1\n}`);
    expect(redactTokens({ access_token: 'syt', nested: [{ refresh_token: 'r' }] })).to.deep.equal({
      access_token: '<redacted>',
      nested: [{ refresh_token: '<redacted>' }],
    });
    const events = Array.from({ length: 4 }, () => pdu);
    expect((summariseEventArrays(events) as string[])[1]).to.equal(
      'm.room.member [@bob:fake] membership=knock sender=@bob:fake +{hashes,signatures,depth}',
    );
    expect(elideSignatures({ signatures: { a: {}, b: {} }, hashes: { sha256: 'x' } })).to.deep.equal({
      signatures: '<a, b signatures elided>',
      hashes: '<sha256 elided>',
    });
    const full = JSON.parse(exchangesInFull(exchanges));
    expect(full.map((e: { index: number; method: string }) => `${e.index} ${e.method}`)).to.deep.equal([
      '1 POST',
      '2 POST',
      '3 GET',
      '4 PUT',
    ]);
    expect(JSON.stringify(full)).not.to.contain('syt_secret');
  });
});
