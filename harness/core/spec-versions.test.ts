import { expect } from 'chai';
import { advertisedSpecVersion, compareSpecVersions, inVersionRange, judgedSpecVersion } from './spec-versions';
import { childRunEnv } from './run-context';

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

  it('reads the judged version from the run context, newest when unset or unknown', () => {
    expect(judgedSpecVersion(childRunEnv({ specVersion: '1.12' }, {}))).to.equal('1.12');
    expect(judgedSpecVersion({})).to.equal('1.19');
    expect(judgedSpecVersion(childRunEnv({ specVersion: 'nope' }, {}))).to.equal('1.19');
  });

  it('ranges include since and exclude until', () => {
    expect(inVersionRange('1.16', { since: '1.16' })).to.equal(true);
    expect(inVersionRange('1.15', { since: '1.16' })).to.equal(false);
    expect(inVersionRange('1.13', { since: '1.1', until: '1.14' })).to.equal(true);
    expect(inVersionRange('1.14', { since: '1.1', until: '1.14' })).to.equal(false);
  });
});
