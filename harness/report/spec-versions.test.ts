import { expect } from 'chai';
import { advertisedSpecVersion, compareSpecVersions, inVersionRange, judgedSpecVersion } from './spec-versions';
import { notClaimedReason } from '../testkit/claimed';
import { parseExpectedFailures, loadExpectedFailures } from './expected-failures';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('spec versions', () => {
  it('orders releases numerically (1.9 before 1.10)', () => {
    expect(compareSpecVersions('1.9', '1.10')).to.be.lessThan(0);
    expect(compareSpecVersions('1.16', '1.16')).to.equal(0);
  });

  it('judges an HSUT at the newest release it advertises, capped at the newest the suite knows', () => {
    expect(advertisedSpecVersion(['r0.6.1', 'v1.1', 'v1.12', 'v1.2'])).to.equal('1.12');
    expect(advertisedSpecVersion(['v1.1', 'v1.42'])).to.equal('1.19');
    expect(advertisedSpecVersion(['r0.6.1'])).to.equal(undefined);
    expect(advertisedSpecVersion('v1.12')).to.equal(undefined);
    expect(advertisedSpecVersion(['v2.0', 'v1.3', 7])).to.equal('1.3');
  });

  it('reads the judged version from KK_SPEC_VERSION, newest when unset or unknown', () => {
    expect(judgedSpecVersion({ KK_SPEC_VERSION: '1.12' })).to.equal('1.12');
    expect(judgedSpecVersion({})).to.equal('1.19');
    expect(judgedSpecVersion({ KK_SPEC_VERSION: 'nope' })).to.equal('1.19');
  });

  it('ranges include since and exclude until', () => {
    expect(inVersionRange('1.16', { since: '1.16' })).to.equal(true);
    expect(inVersionRange('1.15', { since: '1.16' })).to.equal(false);
    expect(inVersionRange('1.13', { since: '1.1', until: '1.14' })).to.equal(true);
    expect(inVersionRange('1.14', { since: '1.1', until: '1.14' })).to.equal(false);
  });

  it('a test is not claimed only when every clause it names is outside the judged version', () => {
    expect(notClaimedReason(['send_knock.knock-room-state.pdus'], '1.12')).to.match(/outside the judged spec v1.12: send_knock.knock-room-state.pdus \(v1.16\+\)/);
    expect(notClaimedReason(['send_knock.knock-room-state.pdus', 'send_knock.accepted'], '1.12')).to.equal(undefined);
    expect(notClaimedReason(['client.knock-server-name'], '1.19')).to.match(/v1.1–v1.13/);
    expect(notClaimedReason([], '1.12')).to.equal(undefined);
  });

  it('expected failures may be limited to a spec version range', () => {
    const text = JSON.stringify({
      'a [v7]': { reason: 'r', link: 'https://example.org', since: '1.16' },
      'b [v7]': { reason: 'r', link: 'https://example.org', until: '1.14' },
      'c [v7]': { reason: 'r', link: 'https://example.org' },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'kk-xf-')), 'x.json');
    writeFileSync(file, text);
    expect([...loadExpectedFailures(file, '1.12').keys()]).to.deep.equal(['b [v7]', 'c [v7]']);
    expect([...loadExpectedFailures(file, '1.19').keys()]).to.deep.equal(['a [v7]', 'c [v7]']);
    expect([...loadExpectedFailures(file).keys()]).to.have.length(3);
    expect(() => parseExpectedFailures(JSON.stringify({ t: { reason: 'r', link: 'https://x.org', since: '2' } }))).to.throw(/"since" must be a spec version/);
  });
});
