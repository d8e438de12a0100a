/**
 * Runs mocha programmatically over the suites (or the unit tests) and returns the counts. The HSUT is started
 * before this is called (the run command plays mocha's global setup) and reached through currentHomeserver().
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Mocha from 'mocha';
import { onTeardown } from './cleanup';

// Deep import: mocha's own spec-file lookup (globs, directories, extensions), as its CLI uses it.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { lookupFiles } = require('mocha/lib/cli') as {
  lookupFiles: (pattern: string, extensions: string[], recursive: boolean) => string | string[];
};

export const DEFAULT_SUITE_SPEC = 'suites/**/*.test.ts';

export interface SuiteRunOptions {
  spec: string[];
  grep?: string;
  reporters: string[];
  reporterOptions?: Record<string, unknown>;
  timeoutMs: number;
  slowMs?: number;
  bail?: boolean;
}

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function collectSpecFiles(patterns: string[]): string[] {
  const files = new Set<string>();
  for (const pattern of patterns) {
    let found: string[];
    try {
      const result = lookupFiles(pattern, ['.ts', '.js'], true);
      found = Array.isArray(result) ? result : [result];
    } catch {
      found = [];
    }
    if (found.length === 0) throw new Error(`no test files match ${pattern}`);
    for (const file of found) files.add(resolve(file));
  }
  return [...files].sort();
}

export async function runMocha(options: SuiteRunOptions): Promise<RunCounts> {
  const mocha = new Mocha({
    timeout: options.timeoutMs,
    slow: options.slowMs ?? 2_000,
    bail: options.bail,
    grep: options.grep,
    reporter: reporterFor(options.reporters),
    reporterOptions: options.reporterOptions,
  });
  for (const file of collectSpecFiles(options.spec)) mocha.addFile(file);
  await mocha.loadFilesAsync();
  return new Promise((resolveCounts) => {
    // On Ctrl-C, stop scheduling tests before the HSUT goes away (teardowns run newest first).
    const stopScheduling = onTeardown(async () => runner.abort());
    const runner = mocha.run(() => {
      stopScheduling();
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      resolveCounts({ passed: stats.passes, failed: stats.failures, skipped: stats.pending });
    });
  });
}

/** Writes the counts where `knockknock test` asked for them (env KK_STATS_FILE). */
export function recordCounts(counts: RunCounts): void {
  const file = process.env.KK_STATS_FILE;
  if (file) writeFileSync(file, JSON.stringify(counts));
}

type ReporterConstructor = Mocha.ReporterConstructor;

/** One reporter by name/path, or a composite that feeds the same runner to several. */
function reporterFor(names: string[]): ReporterConstructor {
  const constructors = (names.length ? names : ['spec']).map(loadReporter);
  if (constructors.length === 1) return constructors[0];
  return class CompositeReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options: Mocha.MochaOptions = {}) {
      super(runner, options);
      for (const Reporter of constructors) new Reporter(runner, options);
    }
  };
}

function loadReporter(name: string): ReporterConstructor {
  const builtIn = (Mocha.reporters as unknown as Record<string, ReporterConstructor>)[name];
  if (builtIn) return builtIn;
  const path = existsSync(resolve(name)) ? resolve(name) : name;
  let loaded: unknown;
  try {
    loaded = require(path);
  } catch (err) {
    throw new Error(`reporter "${name}" could not be loaded: ${(err as Error).message}`);
  }
  const module = loaded as { default?: unknown };
  const candidate = typeof loaded === 'function' ? loaded : module.default;
  if (typeof candidate !== 'function') throw new Error(`reporter "${name}" does not export a mocha reporter constructor`);
  return candidate as ReporterConstructor;
}
