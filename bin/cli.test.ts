import { expect } from 'chai';
import { main } from './cli';
import { UsageError } from '../harness/deploy/usage-error';
import { connectToUrl } from '../harness/deploy/url';

async function usageErrorOf(argv: string[]): Promise<UsageError> {
  try {
    await main(argv);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('knockknock command line', () => {
  it('rejects unknown commands, unknown flags and bad values with a one-line usage error (exit 2)', async () => {
    for (const argv of [
      ['frob'],
      ['run', '--bogus'],
      ['run', '--driver', 'nope'],
      ['run', '--timeout', '0'],
      ['run', '--url', 'ftp://x'],
      ['image', 'frob'],
      ['run', '--spec', 'suites/nope.test.ts'],
      ['run', '--grep', 'A [spec:x'],
      ['run', '--grep', 'a', '--fgrep', 'b'],
      ['run', '--spec-version', '2.0'],
      ['list', '--spec-version', '1.99'],
      ['run', '--env', 'NOVALUE'],
      ['run', '--driver', 'complement', '--env', '9X=1'],
      ['run', '--url', 'http://127.0.0.1:9', '--env', 'A=1'],
    ]) {
      const err = await usageErrorOf(argv);
      expect(err.exitCode).to.equal(2);
      expect(err.message, argv.join(' ')).to.not.include('\n');
    }
  });

  // Through connectToUrl, not main(): a run's teardown would also stop this very mocha run.
  it('says how to fix an unreachable --url', async function () {
    this.timeout(15_000);
    const err = await connectToUrl({ clientUrl: 'http://127.0.0.1:9' }).then(
      () => expect.fail('connectToUrl should fail'),
      (e: unknown) => e as UsageError,
    );
    expect(err).to.be.instanceOf(UsageError);
    expect(err.message).to.match(/cannot reach the homeserver at --url http:\/\/127\.0\.0\.1:9 .*start it or fix --url/);
  });
});
