/**
 * Flake check: run the whole suite N times (default 20) and list every test whose outcome changed between
 * runs. Zero is the target; a flaky conformance test gets switched off in CI, so every one found is a bug.
 *
 *   npx tsx scripts/flake-check.ts [--runs N] [-- run flags…]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(__dirname, '..');

function runOnce(reportDir: string, flags: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'knockknock.js'), 'run', '--out', reportDir, ...flags], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('close', resolve);
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '20' } }, allowPositionals: true });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 2) throw new Error('--runs takes a whole number ≥ 2');
  const outcomes = new Map<string, string[]>();
  for (let i = 0; i < runs; i++) {
    const reportDir = mkdtempSync(path.join(tmpdir(), 'kk-flake-'));
    const code = await runOnce(reportDir, positionals);
    const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as {
      tests: Array<{ fullTitle: string; status: string }>;
    };
    for (const test of report.tests) {
      const seen = outcomes.get(test.fullTitle) ?? Array<string>(i).fill('absent');
      seen.push(test.status);
      outcomes.set(test.fullTitle, seen);
    }
    for (const seen of outcomes.values()) if (seen.length === i) seen.push('absent');
    console.log(`run ${i + 1}/${runs}: exit ${code}, ${report.tests.length} tests (${reportDir})`);
  }
  const flaky = [...outcomes].filter(([, seen]) => new Set(seen).size > 1);
  for (const [title, seen] of flaky) {
    const counts = seen.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    console.log(
      `FLAKY ${title}: ${Object.entries(counts)
        .map(([s, n]) => `${n}× ${s}`)
        .join(', ')}`,
    );
  }
  console.log(`${flaky.length} flaky of ${outcomes.size} tests over ${runs} runs`);
  process.exitCode = flaky.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`flake-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
