/**
 * knockknock command line.
 *   run          start one HSUT, run the suites against it with mocha, stop it
 *   test         unit tests, then `run`; ends with the line `N passed, N failed[, N skipped]`
 *   unit         the unit tests only (.mocharc.unit.json)
 *   image build  build the project's Synapse images (cached by recipe hash)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { installExitHandlers, runTeardowns } from '../harness/deploy/cleanup';
import { clearCurrentHomeserver, setCurrentHomeserver } from '../harness/deploy/current';
import { buildAllImages, complementSynapseTag, synapseBaseTag } from '../harness/deploy/images';
import Mocha from 'mocha';
import { Agent, request } from 'undici';
import { ROOM_VERSIONS } from '../harness/core';
import {
  DEFAULT_SUITE_SPEC,
  RunCounts,
  builtInReporter,
  collectSpecFiles,
  recordCounts,
  runMocha,
  workerCount,
} from '../harness/deploy/run-suites';
import { RunMetricsRecorder } from '../harness/deploy/run-metrics';
import { DEFAULT_OUT_DIR, ciCounts, createReporters, parseTitleTags } from '../harness/report';
import { describeClauseRange, findSpecClause } from '../harness/report/spec-clauses';
import { describeServer, redactArguments } from '../harness/report/metadata';
import { DRIVERS, DriverName, startHomeserver } from '../harness/deploy/start';
import { UsageError } from '../harness/deploy/usage-error';
import { NEWEST_SPEC_VERSION, SPEC_VERSIONS, advertisedSpecVersion, isSpecVersion, type SpecVersion } from '../harness/core/spec-versions';
import { dockerEngine } from '../harness/deploy/docker-engine';
import { containerEnv } from '../harness/deploy/container-env';
import { describePreflightProblems, preflightProblems } from '../harness/run/preflight';
import { describeDeath, watchHomeserver } from '../harness/run/hsut-watch';
import { childRunEnv, publishRunContext } from '../harness/core/run-context';

const USAGE = `usage:
  knockknock run [flags]          start one HSUT, run the knock suites against it, write reports, stop it
  knockknock list [flags]         print every test (with its spec clauses) that run would execute
  knockknock test [run flags]     unit tests, then the suites; last line: N passed, N failed
  knockknock unit                 unit tests only
  knockknock selftest             the harness's own fault and signal tests (needs Docker)
  knockknock image build          build the Synapse images (Debian packages; needs mmdebstrap and Docker)
  knockknock image tag            print the tag of the Synapse image the synapse driver uses

run flags:
  --driver synapse|complement|url   how the HSUT is provided (default synapse; url when --url is given)
  --image IMAGE                     image for the synapse or complement driver
  --env KEY=VALUE                   environment for the HSUT container (repeatable; also host variables
                                    prefixed with $COMPLEMENT_SHARE_ENV_PREFIX, prefix stripped)
  --url URL --server-name NAME      an HSUT that already runs (client URL)
  --federation-url URL              its federation URL (default: --url)
  --shared-secret S                 its registration shared secret (default: open registration)
  --hsut-log FILE                   a --url HSUT's log file, read for the transcripts of failing tests
  --grep PATTERN                    only tests whose full title matches this regular expression
  --fgrep TEXT                      only tests whose full title contains TEXT (a pasted title works as is)
  --spec FILE                       only this suite file (repeatable)
  --room-version 7,10               only these room versions
  --spec-version 1.19               judge against this Matrix spec release (default: the newest the HSUT
                                    advertises in /_matrix/client/versions, capped at 1.19)
  --bail                            stop at the first unexpected failure
  --jobs N                          run suite files in N worker processes against the one HSUT (default 4; 1 = serial)
  --timeout MS                      per-test timeout (default 60000)
  --expected-failures FILE          known deviations of this HSUT (default: fixtures/expected-failures/<impl>.json)
  --out DIR                         report directory (default ./knockknock-report)
  --keep                            leave the HSUT running afterwards and print how to reach it
  --verbose                         one line per test (default: failures and warnings as they happen, and
                                    a progress counter)

exit codes: 0 every test as expected; 1 unexpected failures or unexpected passes; 2 usage or environment errors`;

const RUN_OPTIONS = {
  driver: { type: 'string' },
  image: { type: 'string' },
  env: { type: 'string', multiple: true },
  url: { type: 'string' },
  'federation-url': { type: 'string' },
  'server-name': { type: 'string' },
  'shared-secret': { type: 'string' },
  'hsut-log': { type: 'string' },
  grep: { type: 'string', short: 'g' },
  fgrep: { type: 'string', short: 'f' },
  spec: { type: 'string', multiple: true },
  'room-version': { type: 'string' },
  'spec-version': { type: 'string' },
  bail: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  timeout: { type: 'string' },
  'expected-failures': { type: 'string' },
  out: { type: 'string' },
  'report-dir': { type: 'string' },
  keep: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const DEFAULT_TEST_TIMEOUT_MS = 60_000;
const PROJECT_ROOT = resolve(__dirname, '..');
// Synapse answers one request at a time per core but spends most of a test's time waiting on I/O, so a few
// concurrent suite files keep it busy; more only queue up (bench/results.json).
const DEFAULT_JOBS = 4;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'list':
      return listCommand(rest);
    case 'test':
      return testCommand(rest);
    case 'unit':
      return mochaConfigCommand('.mocharc.unit.json', rest);
    case 'selftest':
      return mochaConfigCommand('.mocharc.harness.json', rest);
    case 'image':
      return imageCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}" (expected run, list, test, unit, selftest or image build; see knockknock --help)`);
  }
}

function parseRunFlags(args: string[]) {
  const { values } = parse(args, RUN_OPTIONS);
  const driver = (values.driver ?? (values.url ? 'url' : 'synapse')) as DriverName;
  if (!DRIVERS.includes(driver)) throw new UsageError(`--driver must be one of ${DRIVERS.join(', ')} (got "${values.driver}")`);
  if (values.url !== undefined && driver !== 'url') throw new UsageError('--url goes with --driver url');
  if (values['hsut-log'] !== undefined && driver !== 'url')
    throw new UsageError('--hsut-log goes with --driver url (the container drivers read the container log)');
  if (values['hsut-log'] !== undefined && !existsSync(values['hsut-log']))
    throw new UsageError(`--hsut-log: no such file ${values['hsut-log']}`);
  if (values.env?.length && driver === 'url')
    throw new UsageError('--env goes with --driver synapse or complement (a --url HSUT keeps its own environment)');
  const env = containerEnv(values.env);
  for (const flag of ['url', 'federation-url'] as const) {
    const value = values[flag];
    if (value !== undefined && !/^https?:\/\/[^/]+/.test(value)) throw new UsageError(`--${flag} must be an http(s) URL (got "${value}")`);
  }
  let timeoutMs = DEFAULT_TEST_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError(`--timeout must be a positive number of milliseconds (got "${values.timeout}")`);
    publishRunContext({ testTimeoutMs: timeoutMs }); // the suites' own deadlines follow (harness/testkit/timeouts.ts)
  }
  if (values['room-version'] !== undefined) {
    const known = Object.keys(ROOM_VERSIONS);
    const wanted = values['room-version'].split(',').map((v) => v.trim());
    const unknown = wanted.filter((v) => !known.includes(v));
    if (unknown.length || wanted.length === 0) {
      throw new UsageError(`--room-version takes a comma-separated list of ${known.join(', ')} (got "${values['room-version']}")`);
    }
    // The suites read it when they are loaded (harness/testkit/versions.ts).
    publishRunContext({ roomVersions: wanted });
  }
  if (values.grep !== undefined && values.fgrep !== undefined) throw new UsageError('--grep and --fgrep do not go together: choose one');
  if (values.grep !== undefined) {
    try {
      new RegExp(values.grep);
    } catch (error) {
      throw new UsageError(`--grep takes a regular expression: ${(error as Error).message}; to match a title literally, use --fgrep`);
    }
  }
  // mocha matches `grep` as a regular expression: a literal title is escaped into one.
  const grep = values.fgrep !== undefined ? values.fgrep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : values.grep;
  const specVersion = values['spec-version'];
  if (specVersion !== undefined && !isSpecVersion(specVersion)) {
    throw new UsageError(
      `--spec-version takes a Matrix spec release from ${SPEC_VERSIONS[0]} to ${NEWEST_SPEC_VERSION} (got "${specVersion}")`,
    );
  }
  if (values['expected-failures'] !== undefined && !existsSync(values['expected-failures'])) {
    throw new UsageError(`--expected-failures: no such file ${values['expected-failures']}`);
  }
  const jobs = values.jobs === undefined ? DEFAULT_JOBS : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16)
    throw new UsageError(`--jobs must be a whole number from 1 to 16 (got "${values.jobs}")`);
  const outDir = resolve(values.out ?? values['report-dir'] ?? DEFAULT_OUT_DIR);
  const spec = values.spec?.length ? values.spec : [DEFAULT_SUITE_SPEC];
  try {
    collectSpecFiles(spec);
  } catch (error) {
    throw new UsageError(`--spec: ${(error as Error).message} (suite files are under suites/, e.g. suites/send-knock.test.ts)`);
  }
  return { values, driver, timeoutMs, outDir, spec, jobs, specVersion, grep, env };
}

async function runCommand(args: string[]): Promise<number> {
  const { values, driver, timeoutMs, outDir, spec, jobs, specVersion: specVersionFlag, grep, env } = parseRunFlags(args);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installExitHandlers();
  mkdirSync(outDir, { recursive: true });
  rmSync(join(outDir, 'hsut.log'), { force: true });
  let metrics: RunMetricsRecorder | undefined;
  try {
    const startedAt = Date.now();
    const homeserver = await startHomeserver({
      driver,
      image: values.image,
      url: values.url,
      federationUrl: values['federation-url'],
      serverName: values['server-name'],
      sharedSecret: values['shared-secret'],
      hsutLog: values['hsut-log'],
      keep: values.keep,
      reportDir: outDir,
      env,
    });
    const readyMs = Date.now() - startedAt;
    process.stderr.write(
      `knockknock: HSUT ${homeserver.implementation} ${homeserver.serverName} client ${homeserver.clientUrl} ` +
        `federation ${homeserver.federationUrl} (ready in ${readyMs} ms)\n`,
    );
    metrics = new RunMetricsRecorder(homeserver.serverName, outDir);
    metrics.hsutReady(readyMs);
    setCurrentHomeserver(homeserver);
    if (driver === 'url') {
      // Someone else configured this server: a missing setting is named here, not reported as 40 spec failures.
      const problems = await preflightProblems(homeserver);
      if (problems.length > 0) throw new UsageError(describePreflightProblems(problems, homeserver.clientUrl));
    }
    const specVersion = specVersionFlag ?? (await advertisedVersionOf(homeserver.clientUrl));
    publishRunContext({ specVersion }); // the suites' checks and the not-claimed hook read it
    process.stderr.write(
      `knockknock: judging against Matrix spec v${specVersion} (${specVersionFlag ? '--spec-version' : 'the newest the HSUT advertises; --spec-version chooses another'}); rules of other releases are not claimed\n`,
    );
    const expectedFailuresFile = values['expected-failures'] ?? (await defaultExpectedFailures(homeserver, driver, values.image));
    if (expectedFailuresFile) process.stderr.write(`knockknock: expected failures from ${expectedFailuresFile}\n`);
    const deathFile = join(outDir, '.hsut-death.json');
    rmSync(deathFile, { force: true });
    publishRunContext({ hsutDeathFile: deathFile }); // workers read it: a dead HSUT fails the rest as not run
    let deathLogs = '';
    let watch: ReturnType<typeof watchHomeserver> | undefined;
    const reporting = createReporters({
      beforeSummary: (run) => {
        const death = watch?.death();
        return death && describeDeath(death, run.records, deathLogs);
      },
      outDir,
      ...(expectedFailuresFile ? { expectedFailures: expectedFailuresFile } : {}),
      homeserverLogs: (fromMs) => homeserver.logs(fromMs),
      stepSummaryFile: process.env.GITHUB_STEP_SUMMARY,
      filtered: Boolean(grep || values.spec?.length || values['room-version']),
      specVersion,
      parallel: workerCount(jobs, collectSpecFiles(spec).length) > 1,
      verbose: values.verbose ?? false,
      // report.json names the server (its /_matrix/federation/v1/version), the image and the command line.
      metadata: {
        server: await describeServer(
          homeserver,
          values.image ?? (driver === 'synapse' ? synapseBaseTag() : driver === 'complement' ? complementSynapseTag() : undefined),
        ),
        arguments: redactArguments(['run', ...args]),
      },
    });
    metrics.suiteStarted(await homeserver.cpuTimeMs?.());
    watch = watchHomeserver(homeserver, {
      onDeath: (death) => {
        process.stderr.write(
          `\nknockknock: the homeserver under test ${death.reason}; stopping: the tests not yet run are reported as not run\n`,
        );
        void homeserver.logs().then(
          (text) => (deathLogs = text),
          () => undefined,
        );
      },
    });
    const counts = await runMocha({
      spec,
      grep,
      bail: values.bail,
      reporter: reporting.Reporter,
      timeoutMs,
      jobs,
      workerRequires: [require.resolve('../harness/report/worker-capture'), require.resolve('../harness/deploy/worker-metrics')],
      // The numbers of the run's last line (not-claimed tests count as skipped there too).
      countsFromReporter: () => {
        const summary = reporting.result()?.summary;
        return summary && ciCounts(summary);
      },
    });
    watch.stop();
    const death = watch.death();
    rmSync(deathFile, { force: true });
    const records = reporting.result()?.records ?? [];
    const firstResultAt = records.reduce<number | undefined>(
      (first, r) => (r.endedAt && (!first || r.endedAt < first) ? r.endedAt : first),
      undefined,
    );
    metrics.write(outDir, firstResultAt, await homeserver.cpuTimeMs?.());
    recordCounts(counts);
    if (values.keep) {
      const { sharedSecret } = homeserver.describe();
      process.stderr.write(
        `knockknock: --keep: the HSUT is still running; reuse it with --driver url --url ${homeserver.clientUrl} ` +
          `--federation-url ${homeserver.federationUrl} --server-name ${homeserver.serverName}` +
          `${sharedSecret ? ` --shared-secret ${sharedSecret}` : ''} (remove it with docker rm -f)\n`,
      );
    }
    return counts.failed > 0 || death ? 1 : 0;
  } finally {
    clearCurrentHomeserver();
    await runTeardowns();
  }
}

/** Every test `run` would execute with the same flags, one per line with its spec clauses (mocha dry run). */
async function listCommand(args: string[]): Promise<number> {
  const { values, spec, specVersion, grep } = parseRunFlags(args);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const titles: string[] = [];
  class ListReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test: Mocha.Test) => titles.push(test.fullTitle()));
    }
  }
  await runMocha({ spec, grep, reporter: ListReporter, timeoutMs: 1, dryRun: true });
  for (const title of titles) {
    const { clauses, roomVersions } = parseTitleTags(title);
    const described = clauses.map((id) => {
      const clause = findSpecClause(id);
      return clause ? `${id} (${clause.level} ${describeClauseRange(clause)})` : `${id} (not in the catalogue)`;
    });
    process.stdout.write(
      `${title}\n    clauses: ${described.join(', ') || '(none)'}${roomVersions.length ? `; room version ${roomVersions.join(', ')}` : ''}\n`,
    );
  }
  const judged = specVersion
    ? `judged against spec v${specVersion}`
    : 'judged against the newest spec release the HSUT advertises (or --spec-version)';
  process.stdout.write(`${titles.length} tests, ${judged}; a test whose clauses are all outside that release is not claimed\n`);
  return 0;
}

/** The newest spec release the HSUT advertises (capped at the newest this suite knows); v1.1 if it names none. */
async function advertisedVersionOf(clientUrl: string): Promise<SpecVersion> {
  try {
    const response = await request(`${clientUrl}/_matrix/client/versions`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    const body = (await response.body.json()) as { versions?: unknown };
    return advertisedSpecVersion(body.versions) ?? SPEC_VERSIONS[0];
  } catch {
    return SPEC_VERSIONS[0];
  }
}

/**
 * The expected-failures list of the implementation under test: synapse for our own images, otherwise what the
 * server calls itself on /_matrix/federation/v1/version, if the project keeps a list for it.
 */
async function defaultExpectedFailures(
  homeserver: { federationUrl: string },
  driver: DriverName,
  image: string | undefined,
): Promise<string | undefined> {
  let implementation = driver === 'synapse' || (driver === 'complement' && !image) ? 'synapse' : undefined;
  if (!implementation) {
    try {
      const response = await request(`${homeserver.federationUrl}/_matrix/federation/v1/version`, {
        headersTimeout: 5_000,
        bodyTimeout: 5_000,
        dispatcher: new Agent({ connect: { rejectUnauthorized: false } }),
      });
      const body = (await response.body.json()) as { server?: { name?: string } };
      implementation = body.server?.name?.toLowerCase().replace(/[^a-z0-9-]/g, '');
    } catch {
      implementation = undefined;
    }
  }
  const file = implementation && join(PROJECT_ROOT, 'fixtures', 'expected-failures', `${implementation}.json`);
  return file && existsSync(file) ? file : undefined;
}

/** A mocha run described by a .mocharc file: the unit tests, or the harness's own fault and signal tests. */
async function mochaConfigCommand(configFile: string, args: string[]): Promise<number> {
  const { values } = parse(args, { grep: RUN_OPTIONS.grep, reporter: { type: 'string', short: 'R' } });
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
    grep: values.grep,
    reporter: builtInReporter(values.reporter ?? config.reporter ?? 'dot'),
    timeoutMs: config.timeout ?? 10_000,
  });
  recordCounts(counts);
  return counts.failed > 0 ? 1 : 0;
}

/** Unit tests then the integration run, each in its own process; prints the combined counts last. */
async function testCommand(args: string[]): Promise<number> {
  const { outDir, specVersion } = parseRunFlags(args); // reject bad flags before doing anything
  // The self-tests and the suites start containers: the engine, mmdebstrap and the images are set up first (each
  // announced in one line when missing), so that a fresh clone needs nothing but this command.
  await dockerEngine();
  await buildAllImages();
  const statsDir = mkdtempSync(join(tmpdir(), 'knockknock-stats-'));
  let interrupted: number | undefined;
  // Pass the signal on to the running step (a terminal's Ctrl-C reaches it too; it cleans up either way) and
  // wait for it, then report.
  const forward = (signal: NodeJS.Signals, code: number) => () => {
    interrupted = code;
    currentChild?.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT', 130));
  process.on('SIGTERM', forward('SIGTERM', 143));
  const total: RunCounts = { passed: 0, failed: 0, skipped: 0 };
  // A clone checks types and format first, one test each (tsx runs code that does not type-check); the package
  // ships neither tool nor config, so there they are left out.
  const sources = ['bin', 'harness', 'suites', 'scripts'].map((dir) => `${dir}/**/*.ts`);
  const checks = [
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
  for (const check of checks) {
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
    { name: 'suites', args: ['run', ...args] },
  ];
  // Judged at the HSUT's own advertised release above; also at the newest release, unless one was chosen.
  if (!specVersion) {
    const out = join(outDir, `spec-v${NEWEST_SPEC_VERSION}`);
    steps.push({
      name: `suites judged against spec v${NEWEST_SPEC_VERSION}`,
      args: ['run', ...args, '--spec-version', NEWEST_SPEC_VERSION, '--out', out],
    });
  }
  for (const [index, step] of steps.entries()) {
    if (interrupted) break;
    const statsFile = join(statsDir, `${index}.json`);
    const code = await runChild([require.resolve('./knockknock.js'), ...step.args], statsFile);
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
    const mismatch = await listMismatch(args, outDir);
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

async function imageCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'tag') {
    parse(rest, {});
    process.stdout.write(`${synapseBaseTag()}\n`);
    return 0;
  }
  if (sub !== 'build') throw new UsageError(`unknown image command "${sub ?? ''}" (expected: knockknock image build | image tag)`);
  parse(rest, {});
  await dockerEngine();
  const tags = await buildAllImages();
  process.stdout.write(`${tags.join('\n')}\n`);
  return 0;
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see knockknock --help)`);
  }
}

/** Compares `knockknock list` (same flags) with the tests the run reported; undefined when they agree. */
async function listMismatch(args: string[], outDir: string): Promise<string | undefined> {
  const listed = await new Promise<string[]>((resolveTitles) => {
    const child = spawn(process.execPath, [require.resolve('./knockknock.js'), 'list', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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

let currentChild: ReturnType<typeof spawn> | undefined;

function runChild(args: string[], statsFile: string, cwd?: string): Promise<number> {
  return new Promise((resolveCode) => {
    const child = (currentChild = spawn(process.execPath, args, {
      stdio: 'inherit',
      cwd,
      env: childRunEnv({ statsFile }),
    }));
    child.on('error', () => resolveCode(1));
    child.on('close', (code, signal) => resolveCode(code ?? (signal ? 128 : 1)));
  });
}

function readCounts(file: string): RunCounts | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunCounts;
  } catch {
    return undefined;
  }
}
