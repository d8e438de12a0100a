/**
 * Ctrl-C and SIGTERM at any point of a run leave no container and no child process: during HSUT start,
 * during a test, and during teardown. Needs the Docker engine (it starts real Synapse containers).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { pollUntil } from '../../testkit/poll';

const execFileAsync = promisify(execFile);
const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'knockknock.js');

async function containerIds(): Promise<string[]> {
  const { stdout } = await execFileAsync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', 'label=knockknock.run']);
  return stdout.split('\n').filter(Boolean);
}

async function childPids(pid: number): Promise<number[]> {
  const { stdout } = await execFileAsync('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startRun(): Started {
  const child = spawn(
    process.execPath,
    [cli, 'run', '--verbose', '--spec', 'suites/smoke.test.ts', '--out', path.join('/tmp', `kk-signals-${process.pid}`)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { child, output: () => output, exited };
}

/** Sends `signal` once `ready()` holds, then checks the run's containers and children are all gone. */
async function interruptWhen(signal: NodeJS.Signals, ready: (run: Started, ours: string[]) => boolean, expectedCodes: number[]) {
  const before = new Set(await containerIds());
  const run = startRun();
  let ours: string[] = [];
  await pollUntil(
    async () => {
      ours = (await containerIds()).filter((id) => !before.has(id));
      return ready(run, ours) ? true : undefined;
    },
    { timeoutMs: 90_000, description: `the moment to send ${signal}`, intervalMs: 50 },
    () => run.output().slice(-500),
  );
  const children = await childPids(run.child.pid!);
  run.child.kill(signal);
  const code = await Promise.race([run.exited, new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), 40_000))]);
  expect(code, `the run did not exit after ${signal}; output: ${run.output().slice(-800)}`).to.not.equal('hang');
  expect(expectedCodes, `exit code ${code}; output: ${run.output().slice(-800)}`).to.include(code);
  const left = (await containerIds()).filter((id) => ours.includes(id));
  expect(left, 'containers of the interrupted run still present').to.deep.equal([]);
  // A child the run started (a docker CLI call) may take a moment to notice its parent is gone; give it one.
  await pollUntil(
    async () => (children.some(alive) ? undefined : true),
    {
      timeoutMs: 5_000,
      description: 'the child processes of the interrupted run to end',
    },
    () => `still alive: ${children.filter(alive).join(', ')}`,
  );
}

describe('Signals never leave a container or a child process behind', function () {
  this.timeout(150_000);

  it('SIGINT while the homeserver container is starting', async () => {
    await interruptWhen('SIGINT', (_run, ours) => ours.length > 0, [130]);
  });

  it('SIGINT during a test', async () => {
    await interruptWhen('SIGINT', (run) => /✓ pass/.test(run.output()), [130]);
  });

  it('SIGTERM during a test', async () => {
    await interruptWhen('SIGTERM', (run) => /✓ pass/.test(run.output()), [143]);
  });

  it('SIGTERM during teardown, after the last test', async () => {
    await interruptWhen('SIGTERM', (run) => /knockknock: \d+ tests in/.test(run.output()), [0, 143]);
  });
});
