/**
 * The whole run against a hostile stand-in homeserver (url driver): each misbehaviour gives clear failing
 * tests or a one-line usage error, the run ends on its own well within its timeouts, and leaves no process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startHostileServer, type HostileServer } from '../../clients/hostile-server';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'knockknock.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  outDir: string;
}

function runCli(args: string[], onStderr?: (text: string) => void): Promise<CliRun> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'kk-fault-'));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args, '--out', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      onStderr?.(String(chunk));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: Date.now() - started, outDir }));
  });
}

function reportedTests(run: CliRun): Array<{ fullTitle: string; status: string; error: { message: string } | null }> {
  return (JSON.parse(readFileSync(path.join(run.outDir, 'report.json'), 'utf8')) as { tests: [] }).tests;
}

const SMOKE = ['--spec', 'suites/smoke.test.ts', '--grep', 'v7'];

describe('A run against a hostile homeserver ends cleanly with clear reasons', function () {
  this.timeout(60_000);
  const servers: HostileServer[] = [];
  const hostile = async (...args: Parameters<typeof startHostileServer>) => {
    const server = await startHostileServer(...args);
    servers.push(server);
    return server;
  };
  after(async () => {
    await Promise.all(servers.map((s) => s.crash().catch(() => undefined)));
  });

  it('a server that answers garbage to /versions is a one-line usage error with exit code 2', async () => {
    const server = await hostile({}, 'garbage-json');
    const run = await runCli(['run', '--url', server.url, '--server-name', 'hostile.test', ...SMOKE]);
    expect(run.code).to.equal(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).to.have.length(1);
    expect(lines[0]).to.match(/^knockknock: /);
    expect(run.stderr).to.not.match(/\n\s+at /);
  });

  it('an --image the Docker engine does not have is a one-line usage error with exit code 2, and nothing is pulled', async () => {
    const run = await runCli(['run', '--driver', 'complement', '--image', 'knockknock/no-such-image:0', ...SMOKE]);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stderr.trim().split('\n'), run.stderr).to.deep.equal([
      "knockknock: --image knockknock/no-such-image:0: no such image on this machine's Docker engine (docker images lists what there is); build or load it first",
    ]);
  });

  // Past /versions every misbehaviour shows in the --url preflight (registering a user), before any suite runs.
  for (const mode of ['garbage-json', 'wrong-content-type', 'huge-body', 'close-mid-response'] as const) {
    it(`a server that answers ${mode} after /versions is stopped by the preflight: one line naming registration, exit code 2`, async () => {
      const server = await hostile({ '/_matrix/client/versions': 'ok-versions' }, mode);
      const run = await runCli(['run', '--url', server.url, '--server-name', 'hostile.test', ...SMOKE]);
      expect(run.code, run.stderr).to.equal(2);
      const last = run.stderr.trim().split('\n').pop() ?? '';
      expect(last).to.match(/^knockknock: the homeserver at .* cannot run the knock suites; it lacks user registration/);
      expect(run.stderr).to.not.match(/\n\s+at /);
      expect(run.stdout).to.equal('');
    });
  }

  it('a server that never answers is stopped by the preflight at its timeout, and the run ends on its own', async () => {
    const server = await hostile({ '/_matrix/client/versions': 'ok-versions' }, 'never-answer');
    const run = await runCli(['run', '--url', server.url, '--server-name', 'hostile.test', '--timeout', '2000', ...SMOKE]);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.wallMs).to.be.lessThan(30_000);
    expect(run.stderr).to.match(/registering a user took longer than/);
  });
});
