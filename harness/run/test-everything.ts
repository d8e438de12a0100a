/**
 * `knockknock test` (npm test): type and format checks, unit tests, self-tests, then the suites — judged at the
 * HSUT's advertised release and at the newest — each in its own process; prints the combined counts last.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childRunEnv } from '../core/run-context';
import { NEWEST_SPEC_VERSION } from '../core/spec-versions';
import { dockerEngine } from '../deploy/docker-engine';
import { buildAllImages } from '../deploy/images';
import type { RunCounts } from './mocha';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const CLI = join(PROJECT_ROOT, 'bin', 'knockknock.js');

export interface TestEverythingOptions {
  /** The run flags, passed on to each suite run (and to `list`). */
  runArgs: string[];
  outDir: string;
  /** Chosen with --spec-version: then the suites run once, at that release. */
  specVersion?: string;
}

export async function testEverything(options: TestEverythingOptions): Promise<number> {
  const { runArgs, outDir } = options;
  // The self-tests and the suites start containers: the engine, mmdebstrap and the images are set up first (each
  // announced in one line when missing), so that a fresh clone needs nothing but this command.
  await dockerEngine();
  await buildAllImages();
  const statsDir = mkdtempSync(join(tmpdir(), 'knockknock-stats-'));
  let interrupted: number | undefined;
  let currentChild: ReturnType<typeof spawn> | undefined;
  // Pass the signal on to the running step (a terminal's Ctrl-C reaches it too; it cleans up either way) and
  // wait for it, then report.
  const forward = (signal: NodeJS.Signals, code: number) => () => {
    interrupted = code;
    currentChild?.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT', 130));
  process.on('SIGTERM', forward('SIGTERM', 143));
  const runChild = (args: string[], statsFile: string, cwd?: string): Promise<number> =>
    new Promise((resolveCode) => {
      const child = (currentChild = spawn(process.execPath, args, { stdio: 'inherit', cwd, env: childRunEnv({ statsFile }) }));
      child.on('error', () => resolveCode(1));
      child.on('close', (code, signal) => resolveCode(code ?? (signal ? 128 : 1)));
    });
  const total: RunCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const check of sourceChecks()) {
    const tool = join(PROJECT_ROOT, 'node_modules', check.tool);
    if (interrupted || !existsSync(tool) || !existsSync(join(PROJECT_ROOT, check.config))) continue;
    process.stderr.write(`knockknock: ${check.name}\n`);
    const code = await runChild([tool, ...check.args], join(statsDir, `${check.config}.json`), PROJECT_ROOT);
    if (code === 0) total.passed += 1;
    else {
      process.stderr.write(`knockknock: the ${check.name} failed (exit ${code})${check.fix}; counted as one failure\n`);
      total.failed += 1;
    }
  }
  const steps: Array<{ name: string; args: string[] }> = [
    { name: 'unit tests', args: ['unit'] },
    { name: 'harness self-tests (faults, signals)', args: ['selftest'] },
    { name: 'suites', args: ['run', ...runArgs] },
  ];
  // Judged at the HSUT's own advertised release above; also at the newest release, unless one was chosen.
  if (!options.specVersion) {
    const out = join(outDir, `spec-v${NEWEST_SPEC_VERSION}`);
    steps.push({
      name: `suites judged against spec v${NEWEST_SPEC_VERSION}`,
      args: ['run', ...runArgs, '--spec-version', NEWEST_SPEC_VERSION, '--out', out],
    });
  }
  for (const [index, step] of steps.entries()) {
    if (interrupted) break;
    const statsFile = join(statsDir, `${index}.json`);
    const code = await runChild([CLI, ...step.args], statsFile);
    const counts = readCounts(statsFile);
    if (counts) {
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
    } else {
      process.stderr.write(`knockknock: the ${step.name} did not complete (exit ${code}); counted as one failure\n`);
      total.failed += 1;
    }
  }
  rmSync(statsDir, { recursive: true, force: true });
  if (!interrupted) {
    const mismatch = await listMismatch(runArgs, outDir);
    if (mismatch) {
      process.stderr.write(`knockknock: \`list\` does not match what \`run\` executed: ${mismatch}\n`);
      total.failed += 1;
    }
  }
  if (interrupted) process.stderr.write('\nknockknock: interrupted; the counts below cover what ran\n');
  // The last line is exactly "N passed, N failed" (CI reads it); skipped and not-claimed tests go on the line before.
  const skipped = total.skipped ? `${total.skipped} skipped or not claimed\n` : '';
  process.stdout.write(`\n${skipped}${total.passed} passed, ${total.failed} failed\n`);
  if (interrupted) return interrupted;
  return total.failed > 0 ? 1 : 0;
}

/**
 * A clone checks types and format first, one test each (tsx runs code that does not type-check); the package
 * ships neither tool nor config, so there they are left out.
 */
function sourceChecks() {
  const sources = ['bin', 'harness', 'suites', 'scripts'].map((dir) => `${dir}/**/*.ts`);
  return [
    {
      name: 'type check (tsc --noEmit)',
      tool: 'typescript/bin/tsc',
      config: 'tsconfig.json',
      args: ['-p', 'tsconfig.json', '--noEmit'],
      fix: '',
    },
    {
      name: 'format check (prettier --check)',
      tool: 'prettier/bin/prettier.cjs',
      config: '.prettierrc.json',
      args: ['--check', '--log-level', 'warn', ...sources],
      fix: ' (npm run format fixes it)',
    },
  ];
}

/** Compares `knockknock list` (same flags) with the tests the run reported; undefined when they agree. */
async function listMismatch(args: string[], outDir: string): Promise<string | undefined> {
  const listed = await new Promise<string[]>((resolveTitles) => {
    const child = spawn(process.execPath, [CLI, 'list', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('close', () =>
      resolveTitles(stdout.split('\n').filter((line) => line && !line.startsWith(' ') && !/^\d+ tests\b/.test(line))),
    );
  });
  let ran: string[];
  try {
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as {
      tests: Array<{ fullTitle: string; failedHook?: string | null; status: string }>;
    };
    ran = report.tests.filter((t) => !/"(before|after) all" hook/.test(t.fullTitle)).map((t) => t.fullTitle);
  } catch {
    return 'no report.json from the run';
  }
  const missing = ran.filter((t) => !listed.includes(t));
  const extra = listed.filter((t) => !ran.includes(t));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `${missing.length} run but not listed (${missing.slice(0, 3).join(' | ')}), ${extra.length} listed but not run (${extra.slice(0, 3).join(' | ')})`;
}

function readCounts(file: string): RunCounts | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunCounts;
  } catch {
    return undefined;
  }
}
