/**
 * Runs mocha programmatically over the suites (or the unit tests) and returns the counts. The HSUT is started
 * before this is called (the run command plays mocha's global setup) and reached through currentHomeserver().
 */
import { writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import Mocha from 'mocha';
import { runContext } from '../core/run-context';
import { onTeardown } from '../deploy/cleanup';

// Deep import: mocha's own spec-file lookup (globs, directories, extensions), as its CLI uses it.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { lookupFiles } = require('mocha/lib/cli') as {
  lookupFiles: (pattern: string, extensions: string[], recursive: boolean) => string | string[];
};

const PACKAGE_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_SUITE_SPEC = resolve(PACKAGE_ROOT, 'suites', '**', '*.test.ts');

export interface SuiteRunOptions {
  spec: string[];
  grep?: string;
  reporter: Mocha.ReporterConstructor;
  timeoutMs: number;
  slowMs?: number;
  bail?: boolean;
  /** Load and walk the tests without running them or their hooks (the `list` command). */
  dryRun?: boolean;
  /** Run suite files in this many worker processes (mocha parallel mode); 1 runs them in this process. */
  jobs?: number;
  /** Modules every worker loads first (parallel mode). */
  workerRequires?: string[];
  /** The order files go to the workers (default: sorted by path). */
  orderFiles?: (files: string[]) => string[];
  /** Counts from the run's own reporter (expected failures are not failures); default: mocha's stats. */
  countsFromReporter?: () => RunCounts | undefined;
}

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
}

function lookup(pattern: string): string[] {
  try {
    const result = lookupFiles(pattern, ['.ts', '.js'], true);
    return Array.isArray(result) ? result : [result];
  } catch {
    return [];
  }
}

/**
 * The files the patterns name, relative to the working directory or else to the package (so that
 * `--spec suites/smoke.test.ts` also works where knockknock is installed as a dependency).
 */
export function collectSpecFiles(patterns: string[]): string[] {
  const files = new Set<string>();
  for (const pattern of patterns) {
    let found = lookup(pattern);
    if (found.length === 0 && !isAbsolute(pattern)) found = lookup(resolve(PACKAGE_ROOT, pattern));
    if (found.length === 0) throw new Error(`no test files match ${pattern}`);
    for (const file of found) files.add(resolve(file));
  }
  return [...files].sort();
}

/** A worker per suite file at most: an idle worker still spends a second of CPU loading the harness. */
export function workerCount(jobs: number, files: number): number {
  return Math.max(1, Math.min(jobs, files));
}

export async function runMocha(options: SuiteRunOptions): Promise<RunCounts> {
  const sorted = collectSpecFiles(options.spec);
  const files = options.orderFiles ? options.orderFiles(sorted) : sorted;
  const jobs = workerCount(options.jobs ?? 1, files.length);
  const mocha = new Mocha({
    timeout: options.timeoutMs,
    slow: options.slowMs ?? 2_000,
    bail: options.bail,
    grep: options.grep,
    dryRun: options.dryRun,
    reporter: options.reporter,
    ...(jobs > 1 ? { parallel: true, jobs, require: [require.resolve('tsx/cjs'), ...(options.workerRequires ?? [])] } : {}),
  } as Mocha.MochaOptions);
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  return new Promise((resolveCounts) => {
    // On Ctrl-C, stop scheduling tests before the HSUT goes away (teardowns run newest first).
    const stopScheduling = onTeardown(async () => runner.abort());
    const runner = mocha.run(() => {
      stopScheduling();
      // A dry run leaves the suite files in the require cache, where a later in-process run would not see them.
      if (options.dryRun) mocha.unloadFiles();
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      resolveCounts(options.countsFromReporter?.() ?? { passed: stats.passes, failed: stats.failures, skipped: stats.pending });
    });
  });
}

/** Writes the counts where `knockknock test` asked for them (the run context's statsFile). */
export function recordCounts(counts: RunCounts): void {
  const file = runContext().statsFile;
  if (file) writeFileSync(file, JSON.stringify(counts));
}

/** A built-in mocha reporter by name (the unit-test command's dot/spec output). */
export function builtInReporter(name: string): Mocha.ReporterConstructor {
  const reporter = (Mocha.reporters as unknown as Record<string, Mocha.ReporterConstructor | undefined>)[name];
  if (!reporter) throw new Error(`unknown mocha reporter "${name}"`);
  return reporter;
}
