/**
 * Mutation check, both ways. Does the suite bite? For each planted knocking bug in mutants.json, build a Synapse
 * image with that one bug (FROM the project's Synapse image), run the suite against it, and require at least one
 * failed test: a mutant no test notices is a gap in the suite (a bug that breaks only a SHOULD — `warns` in its
 * entry — must instead raise a matching warning, since the suite never fails a server on a SHOULD). Is it fair? For each "must pass" variant in
 * variants.json (other behaviour the spec allows), require a green run, judged at the server's advertised spec
 * version and at the newest: a failure there is a false alarm of the suite.
 *
 *   npx tsx scripts/mutation/run.ts [--base IMAGE] [--grep PATTERN] [--spec FILE]... [--room-version 7,10]
 *       [--spec-version X.Y] [--jobs N] [--mutants-only | --variants-only] [id ...]
 *
 * Not part of `npm test` (one suite run per change); results go to knockknock-report/mutation.json.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { roomVersionsToRun } from './room-versions';

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
  /**
   * For a bug that breaks only a SHOULD of the spec (never a failure, by the suite's policy): a regular expression
   * that a warning of the run ("<clause> <rule> <message>") must match for the mutant to count as noticed.
   */
  warns?: string;
  /** A bug that breaks a MUST of a newer release only: judge the run at this version (default: the advertised one). */
  specVersion?: string;
  /** The only room versions the bug shows in (default: any); see roomVersionsToRun. */
  roomVersions?: string[];
  edits: Edit[];
}

interface Variant {
  id: string;
  area: string;
  change: string;
  permitted_by: string;
  edits: Edit[];
}

/** One change to Synapse: a planted bug (must be caught) or a permitted variant (must pass). */
interface Change {
  kind: 'mutant' | 'variant';
  id: string;
  area: string;
  what: string;
  warns?: string;
  specVersion?: string;
  roomVersions?: string[];
  edits: Edit[];
}

interface RunFlags {
  grep?: string;
  specs: string[];
  roomVersions?: string;
  specVersion?: string;
}

interface MutantResult {
  kind: Change['kind'];
  id: string;
  area: string;
  bug: string;
  /** Mutants: at least one test failed (or, for a SHOULD-only bug, warned as `warns` says). Variants: every run was green. */
  caught: boolean;
  /** Warnings that matched a SHOULD-only mutant's `warns`. */
  warnings?: string[];
  failedTests: string[];
  exitCode: number | null;
  durationMs: number;
  outDir: string;
}

const root = path.resolve(__dirname, '..', '..');
const SYNAPSE_PACKAGE_DIR = '/usr/lib/python3/dist-packages/synapse';

function loadChanges(): Change[] {
  const mutants = (JSON.parse(readFileSync(path.join(__dirname, 'mutants.json'), 'utf8')) as { mutants: Mutant[] }).mutants;
  const variants = (JSON.parse(readFileSync(path.join(__dirname, 'variants.json'), 'utf8')) as { variants: Variant[] }).variants;
  return [
    ...mutants.map((m): Change => ({
      kind: 'mutant',
      id: m.id,
      area: m.area,
      what: m.bug,
      ...(m.warns ? { warns: m.warns } : {}),
      ...(m.specVersion ? { specVersion: m.specVersion } : {}),
      ...(m.roomVersions ? { roomVersions: m.roomVersions } : {}),
      edits: m.edits,
    })),
    ...variants.map((v): Change => ({ kind: 'variant', id: v.id, area: v.area, what: `${v.change} (${v.permitted_by})`, edits: v.edits })),
  ];
}

/** A Dockerfile that applies one mutant and fails the build unless each snippet occurs exactly once. */
function mutantDockerfile(base: string, mutant: Change): string {
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

async function buildMutantImage(base: string, mutant: Change): Promise<string> {
  const tag = `knockknock/synapse-${mutant.kind}:${mutant.id}`;
  await new Promise<void>((resolve, reject) => {
    const build = spawn('docker', ['build', '-q', '-t', tag, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    build.stderr.on('data', (chunk) => (stderr += chunk));
    build.on('error', reject);
    build.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`building ${tag} failed: ${stderr.trim().split('\n').pop()}`))));
    build.stdin.end(mutantDockerfile(base, mutant));
  });
  return tag;
}

/** Titles of the run's tests with one of `statuses` (failed: a verdict against the server; unexpected-pass: a listed deviation it no longer has). */
function testsFromReport(outDir: string, statuses: string[] = ['failed', 'unexpected-pass']): string[] {
  try {
    const report = JSON.parse(readFileSync(path.join(outDir, 'report.json'), 'utf8')) as {
      tests?: Array<{ fullTitle?: string; title?: string; status: string }>;
    };
    return (report.tests ?? []).filter((t) => statuses.includes(t.status)).map((t) => t.fullTitle ?? t.title ?? '?');
  } catch {
    return [];
  }
}

/** Warnings of the run whose message matches `pattern`, as "title: message". */
function matchingWarnings(outDir: string, pattern: string): string[] {
  try {
    const report = JSON.parse(readFileSync(path.join(outDir, 'report.json'), 'utf8')) as {
      tests?: Array<{ fullTitle?: string; warnings?: Array<{ clause?: string | null; message?: string; rule?: string }> }>;
    };
    const regex = new RegExp(pattern);
    return (report.tests ?? []).flatMap((t) =>
      (t.warnings ?? [])
        .filter((w) => regex.test(`${w.clause ?? ''} ${w.rule ?? ''} ${w.message ?? ''}`))
        .map((w) => `${t.fullTitle ?? '?'}: ${w.rule ?? ''}`),
    );
  } catch {
    return [];
  }
}

async function runSuite(image: string, outDir: string, flags: RunFlags, specVersion: string | undefined): Promise<number | null> {
  const args = [path.join(root, 'bin', 'knockknock.js'), 'run', '--image', image, '--out', outDir];
  if (flags.grep) args.push('--grep', flags.grep);
  for (const spec of flags.specs) args.push('--spec', spec);
  if (flags.roomVersions) args.push('--room-version', flags.roomVersions);
  if (specVersion) args.push('--spec-version', specVersion);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('close', (code) => resolve(code));
  });
}

const NEWEST_SPEC_VERSION = '1.19';

async function runMutant(base: string, change: Change, flags: RunFlags): Promise<MutantResult> {
  const started = Date.now();
  const outDir = path.join(root, 'knockknock-report', 'mutation', change.id);
  mkdirSync(outDir, { recursive: true });
  const image = await buildMutantImage(base, change);
  const result = { kind: change.kind, id: change.id, area: change.area, bug: change.what, outDir };
  if (change.kind === 'mutant') {
    const roomVersions = roomVersionsToRun(flags.roomVersions, change.roomVersions);
    if (roomVersions !== flags.roomVersions)
      console.log(
        `note     ${change.id} shows only in room versions ${change.roomVersions?.join(',')}: run with --room-version ${roomVersions}`,
      );
    const exitCode = await runSuite(
      image,
      outDir,
      { ...flags, ...(roomVersions ? { roomVersions } : {}) },
      flags.specVersion ?? change.specVersion,
    );
    // Caught by a failing test; a listed deviation that now passes (the bug happens to remove it) is not a catch.
    const failed = testsFromReport(outDir, ['failed']);
    const warnings = change.warns && (exitCode === 0 || exitCode === 1) ? matchingWarnings(outDir, change.warns) : [];
    const caught = (exitCode === 1 && failed.length > 0) || warnings.length > 0;
    return {
      ...result,
      caught,
      failedTests: testsFromReport(outDir),
      ...(change.warns ? { warnings } : {}),
      exitCode,
      durationMs: Date.now() - started,
    };
  }
  // A variant must hold at the advertised version and at the newest (or at the one asked for).
  const versions = flags.specVersion ? [flags.specVersion] : [undefined, NEWEST_SPEC_VERSION];
  const failedTests: string[] = [];
  let exitCode: number | null = 0;
  let held = true;
  for (const version of versions) {
    const dir = version ? path.join(outDir, `spec-v${version}`) : outDir;
    const code = await runSuite(image, dir, flags, version);
    const label = (t: string) => `${version ? `[spec v${version}] ` : ''}${t}`;
    const failed = testsFromReport(dir, ['failed']);
    failedTests.push(
      ...failed.map(label),
      ...testsFromReport(dir, ['unexpected-pass']).map((t) =>
        label(`(unexpected pass: the variant no longer has this listed Synapse deviation) ${t}`),
      ),
    );
    if (code !== 0) exitCode = code;
    // Held: green, or red only because a listed deviation of vanilla Synapse went away with the change.
    if (code !== 0 && !(code === 1 && failed.length === 0)) held = false;
  }
  return { ...result, caught: held, failedTests, exitCode, durationMs: Date.now() - started };
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
      'room-version': { type: 'string' },
      'spec-version': { type: 'string' },
      'mutants-only': { type: 'boolean' },
      'variants-only': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const all = loadChanges().filter(
    (c) => !(values['mutants-only'] && c.kind === 'variant') && !(values['variants-only'] && c.kind === 'mutant'),
  );
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
        const flags: RunFlags = {
          ...(values.grep ? { grep: values.grep } : {}),
          specs: values.spec ?? [],
          ...(values['room-version'] ? { roomVersions: values['room-version'] } : {}),
          ...(values['spec-version'] ? { specVersion: values['spec-version'] } : {}),
        };
        const result = await runMutant(base, mutant, flags);
        results.push(result);
        const verdict =
          mutant.kind === 'variant'
            ? result.caught
              ? 'held    '
              : result.exitCode === 1
                ? 'FALSE ALARM'
                : `ERROR(${result.exitCode})`
            : result.caught
              ? result.exitCode === 0
                ? 'warned  '
                : 'caught  '
              : result.exitCode === 0
                ? 'SURVIVED'
                : `ERROR(${result.exitCode})`;
        console.log(`${verdict} ${mutant.kind} ${mutant.id} (${mutant.area}: ${mutant.what}) ${Math.round(result.durationMs / 1000)}s`);
        for (const title of [...result.failedTests, ...(result.warnings ?? [])].slice(0, 5)) console.log(`           - ${title}`);
      }
    }),
  );
  const mutants = results.filter((r) => r.kind === 'mutant');
  const variants = results.filter((r) => r.kind === 'variant');
  const survived = mutants.filter((r) => !r.caught);
  const falseAlarms = variants.filter((r) => !r.caught);
  writeFileSync(path.join(root, 'knockknock-report', 'mutation.json'), JSON.stringify(results, null, 2));
  console.log(
    `mutants: ${mutants.length - survived.length} caught, ${survived.length} survived; must-pass variants: ${variants.length - falseAlarms.length} held, ${falseAlarms.length} false alarms`,
  );
  process.exitCode = survived.length + falseAlarms.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`mutation: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
