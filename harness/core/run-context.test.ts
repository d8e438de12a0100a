import { expect } from 'chai';
import { RUN_CONTEXT_ENV, childRunEnv, publishRunContext, runContext } from './run-context';

describe('run context', () => {
  it('is published as one JSON variable, updated key by key, and withdrawn by undefined', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(runContext(env)).to.deep.equal({});
    publishRunContext({ specVersion: '1.12', roomVersions: ['7', '10'] }, env);
    publishRunContext({ testTimeoutMs: 5000 }, env);
    expect(runContext(env)).to.deep.equal({ specVersion: '1.12', roomVersions: ['7', '10'], testTimeoutMs: 5000 });
    publishRunContext({ roomVersions: undefined }, env);
    expect(JSON.parse(env[RUN_CONTEXT_ENV]!)).to.deep.equal({ specVersion: '1.12', testTimeoutMs: 5000 });
  });

  it('reads as empty when the variable is not an object, and a child run starts from its own context only', () => {
    expect(runContext({ [RUN_CONTEXT_ENV]: 'not json' })).to.deep.equal({});
    expect(runContext({ [RUN_CONTEXT_ENV]: '[1]' })).to.deep.equal({});
    const env = { PATH: '/bin', [RUN_CONTEXT_ENV]: JSON.stringify({ specVersion: '1.12' }) };
    const child = childRunEnv({ statsFile: '/tmp/x.json' }, env);
    expect(child.PATH).to.equal('/bin');
    expect(runContext(child)).to.deep.equal({ statsFile: '/tmp/x.json' });
  });
});
