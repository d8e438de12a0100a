/**
 * The npm package as a homeserver repository uses it: `npm pack`, install the tarball into an empty project,
 * and run knockknock from there — `list` (no container), then a small `run --driver complement` whose reports
 * land in the caller's directory while the default expected-failures file is found inside the package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ensureComplementSynapseImage } from '../../deploy/images';

const root = path.resolve(__dirname, '..', '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

const children = new Set<ChildProcess>();

/** The child's environment without what a surrounding knockknock run set for its own children. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('KK_') || name === 'GITHUB_STEP_SUMMARY') delete env[name];
  return env;
}

function run(command: string, args: string[], cwd: string): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (err) => (stderr += `${err.message}\n`));
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr, wallMs: Date.now() - started });
    });
  });
}

function explain(what: string, ran: Ran): string {
  return `${what} exited ${ran.code} after ${ran.wallMs} ms\n--- stdout ---\n${ran.stdout.slice(-3000)}\n--- stderr ---\n${ran.stderr.slice(-3000)}`;
}

describe('The npm package installs into an empty project and runs there', function () {
  this.timeout(300_000);
  let work: string;
  let project: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'kk-package-'));
    project = path.join(work, 'homeserver');
    const packed = await run(npm, ['pack', '--json', '--silent', '--pack-destination', work], root);
    expect(packed.code, explain('npm pack', packed)).to.equal(0);
    const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
    const tarball = path.join(work, filename);
    mkdirSync(project);
    const init = await run(npm, ['init', '-y'], project);
    expect(init.code, explain('npm init', init)).to.equal(0);
    // From the npm cache when it holds every dependency (fast, no network), else from the registry.
    const flags = ['--no-audit', '--no-fund', '--loglevel=error'];
    let installed = await run(npm, ['install', '--offline', ...flags, tarball], project);
    if (installed.code !== 0) installed = await run(npm, ['install', '--prefer-offline', ...flags, tarball], project);
    expect(installed.code, explain('npm install <tarball>', installed)).to.equal(0);
  });

  after(() => {
    for (const child of children) child.kill('SIGTERM');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ships the harness and its data, not the repository's own tests or reports", () => {
    const pkg = path.join(project, 'node_modules', 'knockknock');
    for (const file of [
      'bin/knockknock.js',
      'bin/cli.ts',
      'suites/smoke.test.ts',
      'fixtures/expected-failures/synapse.json',
      'fixtures/configs/synapse.json',
      'harness/deploy/images/complement-synapse/Dockerfile',
      'README.md',
    ]) {
      expect(existsSync(path.join(pkg, file)), file).to.equal(true);
    }
    for (const file of ['knockknock-report', 'scripts/mutation', 'bin/cli.test.ts', 'fixtures/vectors', 'node_modules']) {
      expect(existsSync(path.join(pkg, file)), file).to.equal(false);
    }
  });

  it('`npx knockknock list` works in the project (suite paths resolve inside the package)', async () => {
    const listed = await run(npx, ['--no', 'knockknock', 'list', '--spec', 'suites/smoke.test.ts', '--room-version', '7'], project);
    expect(listed.code, explain('knockknock list', listed)).to.equal(0);
    expect(listed.stdout).to.match(/^[1-9]\d* tests, judged against/m);
    expect(listed.stdout).to.include('Smoke:');
  });

  it("`npx knockknock run --driver complement` writes its reports in the caller's directory", async () => {
    const image = await ensureComplementSynapseImage();
    const ran = await run(
      npx,
      [
        '--no',
        'knockknock',
        'run',
        '--driver',
        'complement',
        '--image',
        image,
        '--spec',
        'suites/smoke.test.ts',
        '--room-version',
        '7',
        '--jobs',
        '1',
        '--out',
        './knockknock-report',
      ],
      project,
    );
    expect(ran.code, explain('knockknock run', ran)).to.equal(0);
    const report = JSON.parse(readFileSync(path.join(project, 'knockknock-report', 'report.json'), 'utf8')) as {
      summary: { total: number; runFailures: number };
    };
    expect(report.summary.total).to.be.greaterThan(0);
    expect(report.summary.runFailures).to.equal(0);
    expect(existsSync(path.join(project, 'knockknock-report', 'summary.md'))).to.equal(true);
    expect(existsSync(path.join(project, 'node_modules', 'knockknock', 'knockknock-report'))).to.equal(false);
    expect(ran.stderr).to.include(
      `expected failures from ${path.join(project, 'node_modules', 'knockknock', 'fixtures', 'expected-failures', 'synapse.json')}`,
    );
  });
});
