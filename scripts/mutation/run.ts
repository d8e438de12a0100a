/**
 * Mutation check: does the suite bite? For each planted knocking bug in mutants.json, build a Synapse image
 * with that one bug (FROM the project's Synapse image), run the suite against it, and report whether at least
 * one test failed. A mutant no test notices is a gap in the suite.
 *
 *   npx tsx scripts/mutation/run.ts [--base IMAGE] [--grep PATTERN] [--spec FILE]... [--jobs N] [mutant-id ...]
 *
 * Not part of `npm test` (one suite run per mutant); results go to knockknock-report/mutation.json.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';

const execFileAsync = promisify(execFile);

interface Edit {
  file: string;
  find: string;
  replace: string;
}

interface Mutant {
  id: string;
  area: string;
  bug: string;
  edits: Edit[];
}

interface MutantResult {
  id: string;
  area: string;
  bug: string;
  caught: boolean;
  failedTests: string[];
  exitCode: number | null;
  durationMs: number;
  outDir: string;
}

const root = path.resolve(__dirname, '..', '..');
const SYNAPSE_PACKAGE_DIR = '/usr/lib/python3/dist-packages/synapse';

function loadMutants(): Mutant[] {
  const raw = JSON.parse(readFileSync(path.join(__dirname, 'mutants.json'), 'utf8')) as { mutants: Mutant[] };
  return raw.mutants;
}

/** A Dockerfile that applies one mutant and fails the build unless each snippet occurs exactly once. */
function mutantDockerfile(base: string, mutant: Mutant): string {
  const patch = [
    'import json, sys',
    `m = json.loads(${JSON.stringify(JSON.stringify(mutant))})`,
    "for e in m['edits']:",
    `    p = ${JSON.stringify(SYNAPSE_PACKAGE_DIR)} + '/' + e['file']`,
    '    s = open(p).read()',
    "    n = s.count(e['find'])",
    "    if n != 1: sys.exit('mutant %s: snippet found %d times in %s' % (m['id'], n, p))",
    "    open(p, 'w').write(s.replace(e['find'], e['replace']))",
  ].join('\n');
  const encoded = Buffer.from(patch).toString('base64');
  return `FROM ${base}\nRUN echo ${encoded} | base64 -d | python3 - && find ${SYNAPSE_PACKAGE_DIR} -name '__pycache__' -prune -exec rm -rf {} +\n`;
}

async function buildMutantImage(base: string, mutant: Mutant): Promise<string> {
  const tag = `knockknock/synapse-mutant:${mutant.id}`;
  await new Promise<void>((resolve, reject) => {
    const build = spawn('docker', ['build', '-q', '-t', tag, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    build.stderr.on('data', (chunk) => (stderr += chunk));
    build.on('error', reject);
    build.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`building ${tag} failed: ${stderr.trim().split('\n').pop()}`)),
    );
    build.stdin.end(mutantDockerfile(base, mutant));
  });
  return tag;
}

function failedTestsFromReport(outDir: string): string[] {
  try {
    const report = JSON.parse(readFileSync(path.join(outDir, 'report.json'), 'utf8')) as {
      tests?: Array<{ fullTitle?: string; title?: string; status: string }>;
    };
    return (report.tests ?? [])
      .filter((t) => t.status === 'failed' || t.status === 'unexpected-pass')
      .map((t) => t.fullTitle ?? t.title ?? '?');
  } catch {
    return [];
  }
}

async function runSuite(image: string, outDir: string, grep: string | undefined, specs: string[]): Promise<number | null> {
  const args = [path.join(root, 'bin', 'knockknock.js'), 'run', '--image', image, '--out', outDir];
  if (grep) args.push('--grep', grep);
  for (const spec of specs) args.push('--spec', spec);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('close', (code) => resolve(code));
  });
}

async function runMutant(base: string, mutant: Mutant, grep: string | undefined, specs: string[]): Promise<MutantResult> {
  const started = Date.now();
  const outDir = path.join(root, 'knockknock-report', 'mutation', mutant.id);
  mkdirSync(outDir, { recursive: true });
  const image = await buildMutantImage(base, mutant);
  const exitCode = await runSuite(image, outDir, grep, specs);
  const failedTests = failedTestsFromReport(outDir);
  return {
    id: mutant.id,
    area: mutant.area,
    bug: mutant.bug,
    caught: exitCode === 1,
    failedTests,
    exitCode,
    durationMs: Date.now() - started,
    outDir,
  };
}

async function defaultBaseImage(): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [path.join(root, 'bin', 'knockknock.js'), 'image', 'tag']);
  return stdout.trim();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      base: { type: 'string' },
      grep: { type: 'string' },
      spec: { type: 'string', multiple: true },
      jobs: { type: 'string', default: '1' },
    },
    allowPositionals: true,
  });
  const all = loadMutants();
  const unknown = positionals.filter((id) => !all.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`unknown mutant(s): ${unknown.join(', ')}`);
  const selected = positionals.length > 0 ? all.filter((m) => positionals.includes(m.id)) : all;
  const base = values.base ?? (await defaultBaseImage());
  const jobs = Math.max(1, Number(values.jobs));

  const results: MutantResult[] = [];
  const queue = [...selected];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let mutant = queue.shift(); mutant; mutant = queue.shift()) {
        const result = await runMutant(base, mutant, values.grep, values.spec ?? []);
        results.push(result);
        const verdict = result.caught ? 'caught  ' : result.exitCode === 0 ? 'SURVIVED' : `ERROR(${result.exitCode})`;
        console.log(`${verdict} ${mutant.id} (${mutant.area}: ${mutant.bug}) ${Math.round(result.durationMs / 1000)}s`);
        for (const title of result.failedTests.slice(0, 5)) console.log(`           - ${title}`);
      }
    }),
  );
  const survived = results.filter((r) => !r.caught);
  writeFileSync(path.join(root, 'knockknock-report', 'mutation.json'), JSON.stringify(results, null, 2));
  console.log(`${results.length - survived.length} caught, ${survived.length} survived`);
  process.exitCode = survived.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`mutation: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
