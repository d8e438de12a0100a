import { expect } from 'chai';
import { failureLine, renderJUnit, repositoryPath } from './junit';
import { isInfrastructureFailure } from './results';
import { record, runOf } from './test-records';

const SUITE = 'make_knock: the HSUT as resident server';
const root = process.cwd();

describe('junit.xml', () => {
  it('reports network errors against the HSUT and hook failures as <error>, assertions as <failure>', () => {
    const assertion = record(SUITE, 'answers 403 [spec:make_knock.forbidden] [v7]', 'failed', {
      error: {
        message: 'make_knock MUST answer 403: got 200',
        code: 'KK_SPEC_VIOLATION',
        stack: `AssertionError: make_knock MUST answer 403: got 200\n    at violation (harness/match/must.ts:13:9)\n    at Context.<anonymous> (suites/example.test.ts:51:14)`,
      },
    });
    const refused = record(SUITE, 'answers a template [spec:make_knock.template] [v7]', 'failed', {
      error: {
        message: 'GET http://127.0.0.1:8008/_matrix/client/v3/sync: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:8008',
        code: 'KK_NETWORK_ERROR',
      },
    });
    const hangUp = record(SUITE, 'answers a template again [spec:make_knock.template] [v8]', 'failed', {
      error: { message: 'PUT https://127.0.0.1:8448/x failed after 3 ms: UND_ERR_SOCKET other side closed' },
    });
    const hook = record(SUITE, '"before all" hook: start the fake server', 'failed', {
      failedHook: '"before all" hook: start the fake server',
      error: { message: 'listen EADDRINUSE' },
    });
    const eachHookAssertion = record(SUITE, 'leaves no unexpected request [spec:make_knock.template] [v9]', 'failed', {
      failedHook: '"after each" hook for "leaves no unexpected request"',
      error: { message: 'the fake server answered every request: want [], got [GET /x]', code: 'KK_SPEC_VIOLATION' },
    });
    expect([assertion, refused, hangUp, hook, eachHookAssertion].map(isInfrastructureFailure)).to.deep.equal([
      false,
      true,
      true,
      true,
      false,
    ]);
    const xml = renderJUnit(
      runOf([assertion, refused, hangUp, hook, eachHookAssertion, record(SUITE, 'passes [spec:make_knock.template] [v7]', 'passed')]),
      { rootDir: root },
    );
    expect(xml).to.match(/<testsuites name="knockknock" tests="6" failures="2" errors="3" skipped="0"/);
    expect(xml).to.match(
      /<testsuite name="make_knock: the HSUT as resident server" tests="6" failures="2" errors="3" skipped="0" time="[\d.]+" file="suites\/example.test.ts">/,
    );
    expect(xml.match(/<error message=/g)).to.have.length(3);
    expect(xml.match(/<failure message=/g)).to.have.length(2);
    expect(xml).to.contain('<error message="listen EADDRINUSE (in &quot;before all&quot; hook: start the fake server)"');
    expect(xml).to.contain('<error message="GET http://127.0.0.1:8008/_matrix/client/v3/sync: ECONNREFUSED');
  });

  it('names test files relative to the repository root, with the failing line where the stack names it', () => {
    const failed = record(SUITE, 'answers 403 [spec:make_knock.forbidden] [v7]', 'failed', {
      error: {
        message: 'x',
        code: 'KK_SPEC_VIOLATION',
        stack: `AssertionError: x\n    at violation (${root}/harness/match/must.ts:13:9)\n    at Context.<anonymous> (${root}/suites/example.test.ts:51:14)`,
      },
    });
    expect(repositoryPath(`${root}/suites/example.test.ts`, root)).to.equal('suites/example.test.ts');
    expect(repositoryPath('/elsewhere/a.test.ts', root)).to.equal('/elsewhere/a.test.ts');
    expect(failureLine(failed, root)).to.equal(51);
    expect(failureLine({ ...failed, error: { message: 'x' } }, root)).to.equal(undefined);
    const xml = renderJUnit(runOf([failed]), { rootDir: root });
    expect(xml).to.match(
      /<testcase classname="[^"]+" name="answers 403 \[spec:make_knock.forbidden\] \[v7\]" time="0.120" file="suites\/example.test.ts" line="51">/,
    );
    expect(xml).not.to.contain(`file="${root}`);
    expect(xml).to.contain('Transcript: transcripts/');
  });
});
