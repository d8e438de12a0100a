/** A mocha run described by a .mocharc file of the repository: the unit tests, or the harness's own self-tests. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../deploy/usage-error';
import { builtInReporter, recordCounts, runMocha } from './mocha';

const PROJECT_ROOT = resolve(__dirname, '..', '..');

export async function runMochaConfig(configFile: string, options: { grep?: string; reporter?: string }): Promise<number> {
  if (!existsSync(join(PROJECT_ROOT, configFile))) {
    throw new UsageError(
      `the harness's own tests (${configFile}) are not in the npm package: run unit/selftest in a clone of the knockknock repository`,
    );
  }
  const config = JSON.parse(readFileSync(join(PROJECT_ROOT, configFile), 'utf8')) as {
    spec: string[];
    timeout?: number;
    reporter?: string;
  };
  const counts = await runMocha({
    spec: config.spec.map((pattern) => join(PROJECT_ROOT, pattern)),
    grep: options.grep,
    reporter: builtInReporter(options.reporter ?? config.reporter ?? 'dot'),
    timeoutMs: config.timeout ?? 10_000,
  });
  recordCounts(counts);
  return counts.failed > 0 ? 1 : 0;
}
