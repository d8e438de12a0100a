/**
 * CLI start-up time: `knockknock list --spec suites/smoke.test.ts` (loads the CLI, mocha and one suite file, runs
 * nothing) and `knockknock --help`, as shipped (TypeScript through tsx at run time) and precompiled by tsc into
 * CommonJS. Part of `npm run bench` (bench/results.json, cliStartup); alone: `npx tsx scripts/cli-startup.ts`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

export interface CliStartup {
  runs: number;
  /** Median wall time of `list --spec suites/smoke.test.ts`, tsx at run time. */
  tsxListMs: number;
  tsxHelpMs: number;
  /** The same from tsc's CommonJS output; null when it could not be built. */
  compiledListMs: number | null;
  compiledHelpMs: number | null;
  /** What the precompiled variant costs before it runs: a tsc build of the project. */
  compileMs: number | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]);
}

/** Median wall time of `node args…` after one warm-up run (file cache, tsx's transform cache). */
function time(args: string[], runs: number, expect?: RegExp): number {
  const once = () => {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0 || (expect && !expect.test(child.stdout))) {
      throw new Error(`node ${args.join(' ')} failed (exit ${child.status}): ${child.stderr.split('\n')[0]}`);
    }
    return ms;
  };
  once();
  return median(Array.from({ length: runs }, once));
}

export function measureCliStartup(runs = 5): CliStartup {
  const listed = /^\d+ tests, judged/m;
  const cli = path.join(root, 'bin', 'knockknock.js');
  const result: CliStartup = {
    runs,
    tsxListMs: time([cli, 'list', '--spec', 'suites/smoke.test.ts'], runs, listed),
    tsxHelpMs: time([cli, '--help'], runs),
    compiledListMs: null,
    compiledHelpMs: null,
    compileMs: null,
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-compiled-'));
  try {
    const out = path.join(dir, 'out');
    const started = process.hrtime.bigint();
    const tsc = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', out, '--rootDir', '.'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (tsc.status !== 0) throw new Error(`tsc: ${tsc.stdout.split('\n')[0]}`);
    result.compileMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    // What the compiled files read at run time, next to them as in the source tree.
    cpSync(path.join(root, 'fixtures'), path.join(out, 'fixtures'), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(out, 'package.json'));
    symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'));
    const entry = path.join(out, 'bin', 'compiled.js');
    writeFileSync(
      entry,
      "const { main } = require('./cli.js');\n" +
        'main(process.argv.slice(2)).then((c) => process.stdout.write("", () => process.exit(c)), (e) => { console.error(String(e)); process.exit(1); });\n',
    );
    result.compiledListMs = time([entry, 'list', '--spec', path.join(out, 'suites', 'smoke.test.js')], runs, listed);
    result.compiledHelpMs = time([entry, '--help'], runs);
  } catch (error) {
    process.stderr.write(`cli-startup: no precompiled measurement: ${(error as Error).message}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(measureCliStartup(), null, 2)}\n`);
}
