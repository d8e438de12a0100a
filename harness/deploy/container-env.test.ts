import { expect } from 'chai';
import { containerEnv, parseEnvFlags, sharedHostEnv } from './container-env';
import { UsageError } from './usage-error';

describe('HSUT container environment (--env, COMPLEMENT_SHARE_ENV_PREFIX)', () => {
  it('parses KEY=VALUE flags; the value may be empty or contain =', () => {
    expect(parseEnvFlags(['A=1', 'B=', 'C=x=y', '_D9=z'])).to.deep.equal({ A: '1', B: '', C: 'x=y', _D9: 'z' });
    expect(parseEnvFlags()).to.deep.equal({});
  });

  it('rejects a flag without = or with a bad name as a one-line usage error', () => {
    for (const flag of ['NOVALUE', '=x', '9A=1', 'A B=1', 'A-B=1', '']) {
      expect(() => parseEnvFlags([flag]), flag).to.throw(UsageError, /^--env takes KEY=VALUE/);
    }
  });

  it('shares host variables with the prefix stripped, only when the prefix is set', () => {
    const host = {
      COMPLEMENT_SHARE_ENV_PREFIX: 'PASS_',
      PASS_SYNAPSE_COMPLEMENT_DATABASE: 'sqlite',
      PASS_: 'ignored',
      PATH: '/bin',
      XPASS_A: 'no',
    };
    expect(sharedHostEnv(host)).to.deep.equal({ SYNAPSE_COMPLEMENT_DATABASE: 'sqlite' });
    expect(sharedHostEnv({ PASS_A: '1' })).to.deep.equal({});
    expect(sharedHostEnv({ COMPLEMENT_SHARE_ENV_PREFIX: '', PATH: '/bin' })).to.deep.equal({});
  });

  it('lets --env override a shared variable of the same name', () => {
    const host = { COMPLEMENT_SHARE_ENV_PREFIX: 'PASS_', PASS_A: 'host', PASS_B: 'host' };
    expect(containerEnv(['A=flag'], host)).to.deep.equal({ A: 'flag', B: 'host' });
  });
});
