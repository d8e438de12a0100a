import { expect } from 'chai';
import { formatBody, redactAuthorization, shownHeaders, summariseEventArrays } from './transcript';
import { parseTitleTags, testIdFromTitle } from './test-id';

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
    const events = Array.from({ length: 5 }, (_, i) => ({ type: 'm.room.member', state_key: `@u${i}:hs`, sender: `@u${i}:hs`, content: { membership: 'knock' } }));
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
