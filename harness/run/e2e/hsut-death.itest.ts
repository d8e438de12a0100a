/**
 * The HSUT dying mid-run is one finding, not a wall of failures: the run stops within seconds, names how it died,
 * reports the tests it could not run as not run (JUnit <error>), exits 1 and leaves no container. Needs Docker.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { pollUntil } from '../../testkit/poll';

const execFileAsync = promisify(execFile);
const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'knockknock.js');

/** The HSUT containers of the run with this process id (their names carry it; other runs may go on meanwhile). */
async function runContainers(pid: number): Promise<string[]> {
  const { stdout } = await execFileAsync('docker', ['ps', '-a', '-q', '--filter', `name=knockknock-hsut-${pid}-`]);
  return stdout.split('\n').filter(Boolean);
}

describe('The HSUT dies during a run', function () {
  this.timeout(180_000);

  it('stops the run within seconds: one line naming how it died, the rest not run (JUnit <error>), exit 1, no container left', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'kk-death-'));
    const child = spawn(
      process.execPath,
      [cli, 'run', '--spec', 'suites/send-knock.test.ts', '--spec', 'suites/auth-rules.test.ts', '--out', outDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    // Kill it once tests are under way: the HSUT has answered a send_knock.
    const container = await pollUntil(
      async () => {
        // One container per instance (--instances, default one per core): kill one that is serving the suites.
        const ours = await runContainers(child.pid!);
        if (ours.length === 0 || !/judging against/.test(output)) return undefined;
        for (const id of ours) {
          const { stdout, stderr } = await execFileAsync('docker', ['logs', id]);
          if (/send_knock/.test(stdout + stderr)) return id;
        }
        return undefined;
      },
      { timeoutMs: 120_000, description: 'the suites to be under way', intervalMs: 200 },
    );
    await execFileAsync('docker', ['kill', container]);
    const killedAt = Date.now();
    const code = await exited;
    expect(Date.now() - killedAt, output).to.be.lessThan(30_000);
    expect(code, output).to.equal(1);
    expect(output).to.match(
      /knockknock: the homeserver under test exited with status 137 \(killed\)( while "[^"]+" ran)?; (\d+ tests? more failed on the lost connection before the run stopped, )?\d+ tests? reported as not run/,
    );
    expect(output.trim().split('\n').pop()).to.match(/^\d+ passed, \d+ failed/);

    const report = JSON.parse(readFileSync(path.join(outDir, 'report.json'), 'utf8')) as {
      tests: Array<{ status: string; infrastructure?: boolean; error: { message: string } | null }>;
    };
    const notRun = report.tests.filter((t) => t.error?.message.startsWith('not run: the homeserver under test'));
    expect(notRun.length, 'tests reported as not run').to.be.greaterThan(0);
    expect(notRun.every((t) => t.infrastructure)).to.equal(true);
    expect(readFileSync(path.join(outDir, 'junit.xml'), 'utf8')).to.match(/<error [^>]*message="not run: the homeserver under test/);
    expect(await runContainers(child.pid!)).to.deep.equal([]);
  });
});
