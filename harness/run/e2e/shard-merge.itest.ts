/**
 * `--shard i/n` and `knockknock merge`: the shards of a selection run every selected test exactly once, and their
 * merged reports count what `list` lists. Needs Docker (each shard starts its own Synapse, like a CI matrix job).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'knockknock.js');
const SELECTION = ['--spec', 'suites/smoke.test.ts', '--spec', 'suites/federation.test.ts', '--room-version', '7,10'];

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Report {
  shard: { index: number; count: number } | null;
  summary: { total: number; passed: number; runFailures: number };
  tests: Array<{ fullTitle: string }>;
}

describe('Sharded runs merge into one report', function () {
  this.timeout(240_000);
  let work: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'kk-shards-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('every listed test runs in exactly one of the shards, and merge reports them all with the counts of one run', async () => {
    const listed = await runCli(['list', ...SELECTION]);
    expect(listed.code, listed.stderr).to.equal(0);
    const titles = listed.stdout.split('\n').filter((line) => line && !line.startsWith(' ') && !/^\d+ tests\b/.test(line));
    expect(titles.length).to.be.greaterThan(10);

    const dirs = [1, 2].map((i) => path.join(work, `shard-${i}`));
    const runs = await Promise.all(dirs.map((dir, i) => runCli(['run', ...SELECTION, '--shard', `${i + 1}/2`, '--out', dir])));
    const reports = dirs.map((dir) => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report);
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stderr).to.match(new RegExp(`shard ${i + 1}/2: \\d+ of the ${titles.length} selected tests`));
      expect(reports[i]?.shard).to.deep.equal({ index: i + 1, count: 2 });
      expect(reports[i]?.summary.total, `shard ${i + 1} is not empty`).to.be.greaterThan(0);
    }
    const ran = reports.flatMap((report) => report.tests.map((t) => t.fullTitle));
    expect([...ran].sort()).to.deep.equal([...titles].sort());

    const mergedDir = path.join(work, 'merged');
    const merged = await runCli(['merge', ...dirs, '--out', mergedDir]);
    expect(merged.code, merged.stdout + merged.stderr).to.equal(0);
    expect(merged.stdout.trim().split('\n').pop()).to.equal(`${titles.length} passed, 0 failed`);
    const report = JSON.parse(readFileSync(path.join(mergedDir, 'report.json'), 'utf8')) as Report;
    expect(report.shard).to.equal(null);
    expect(report.summary.total).to.equal(titles.length);
    for (const file of ['junit.xml', 'summary.md', 'report.html']) expect(existsSync(path.join(mergedDir, file)), file).to.equal(true);

    const incomplete = await runCli(['merge', dirs[0] as string, '--out', path.join(work, 'incomplete')]);
    expect(incomplete.code).to.equal(2);
    expect(incomplete.stderr.trim()).to.match(/^knockknock: merge: shard 2\/2 missing/);
  });
});
