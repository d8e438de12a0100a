/**
 * knockknock command line.
 *   run          start one HSUT, run the suites against it with mocha, stop it
 *   test         unit tests, then `run`; ends with the line `N passed, N failed[, N skipped]`
 *   unit         the unit tests only (.mocharc.unit.json)
 *   image build  build the project's Synapse images (cached by recipe hash)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { installExitHandlers, runTeardowns } from '../harness/deploy/cleanup';
import { clearCurrentHomeserver, setCurrentHomeserver } from '../harness/deploy/current';
import { buildAllImages } from '../harness/deploy/images';
import { DEFAULT_SUITE_SPEC, RunCounts, recordCounts, runMocha } from '../harness/deploy/run-suites';
import { DRIVERS, DriverName, startHomeserver } from '../harness/deploy/start';
import { UsageError } from '../harness/deploy/usage-error';
import { dockerEngine } from '../harness/deploy/docker-engine';

const USAGE = `usage:
  knockknock run [--driver synapse|complement|url] [--image IMAGE] [--url CLIENT_URL] [--federation-url URL]
                 [--server-name NAME] [--shared-secret SECRET] [--grep PATTERN] [--spec FILE]... [--reporter NAME]...
                 [--timeout MS] [--report-dir DIR] [--keep]
  knockknock test [run flags]     unit tests, then the suites; last line: N passed, N failed
  knockknock unit                 unit tests only
  knockknock image build          build the Synapse images (Debian packages; needs mmdebstrap and Docker)`;

const RUN_OPTIONS = {
  driver: { type: 'string' },
  image: { type: 'string' },
  url: { type: 'string' },
  'federation-url': { type: 'string' },
  'server-name': { type: 'string' },
  'shared-secret': { type: 'string' },
  grep: { type: 'string', short: 'g' },
  spec: { type: 'string', multiple: true },
  reporter: { type: 'string', multiple: true, short: 'R' },
  timeout: { type: 'string' },
  'report-dir': { type: 'string' },
  keep: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const DEFAULT_TEST_TIMEOUT_MS = 60_000;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'test':
      return testCommand(rest);
    case 'unit':
      return unitCommand(rest);
    case 'image':
      return imageCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}" (expected run, test, unit or image build; see knockknock --help)`);
  }
}

function parseRunFlags(args: string[]) {
  const { values } = parse(args, RUN_OPTIONS);
  const driver = (values.driver ?? (values.url ? 'url' : 'synapse')) as DriverName;
  if (!DRIVERS.includes(driver)) throw new UsageError(`--driver must be one of ${DRIVERS.join(', ')} (got "${values.driver}")`);
  if (values.url !== undefined && driver !== 'url') throw new UsageError('--url goes with --driver url');
  for (const flag of ['url', 'federation-url'] as const) {
    const value = values[flag];
    if (value !== undefined && !/^https?:\/\/[^/]+/.test(value)) throw new UsageError(`--${flag} must be an http(s) URL (got "${value}")`);
  }
  let timeoutMs = DEFAULT_TEST_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds (got "${values.timeout}")`);
  }
  return { values, driver, timeoutMs };
}

async function runCommand(args: string[]): Promise<number> {
  const { values, driver, timeoutMs } = parseRunFlags(args);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installExitHandlers();
  const reportDir = resolve(values['report-dir'] ?? 'knockknock-report');
  mkdirSync(reportDir, { recursive: true });
  rmSync(join(reportDir, 'hsut.log'), { force: true });
  try {
    const startedAt = Date.now();
    const homeserver = await startHomeserver({
      driver,
      image: values.image,
      url: values.url,
      federationUrl: values['federation-url'],
      serverName: values['server-name'],
      sharedSecret: values['shared-secret'],
      keep: values.keep,
      reportDir,
    });
    process.stderr.write(
      `knockknock: HSUT ${homeserver.implementation} ${homeserver.serverName} client ${homeserver.clientUrl} ` +
        `federation ${homeserver.federationUrl} (ready in ${Date.now() - startedAt} ms)\n`,
    );
    setCurrentHomeserver(homeserver);
    const counts = await runMocha({
      spec: values.spec?.length ? values.spec : [DEFAULT_SUITE_SPEC],
      grep: values.grep,
      reporters: values.reporter ?? ['spec'],
      timeoutMs,
    });
    recordCounts(counts);
    if (values.keep) {
      const { sharedSecret } = homeserver.describe();
      process.stderr.write(
        `knockknock: --keep: the HSUT is still running; reuse it with --driver url --url ${homeserver.clientUrl} ` +
          `--federation-url ${homeserver.federationUrl} --server-name ${homeserver.serverName}` +
          `${sharedSecret ? ` --shared-secret ${sharedSecret}` : ''} (remove it with docker rm -f)\n`,
      );
    }
    return counts.failed > 0 ? 1 : 0;
  } finally {
    clearCurrentHomeserver();
    await runTeardowns();
  }
}

async function unitCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { grep: RUN_OPTIONS.grep, reporter: RUN_OPTIONS.reporter });
  const config = JSON.parse(readFileSync('.mocharc.unit.json', 'utf8')) as { spec: string[]; timeout?: number; reporter?: string };
  const counts = await runMocha({
    spec: config.spec,
    grep: values.grep,
    reporters: values.reporter ?? [config.reporter ?? 'dot'],
    timeoutMs: config.timeout ?? 10_000,
  });
  recordCounts(counts);
  return counts.failed > 0 ? 1 : 0;
}

/** Unit tests then the integration run, each in its own process; prints the combined counts last. */
async function testCommand(args: string[]): Promise<number> {
  parseRunFlags(args); // reject bad flags before doing anything
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
  const steps: Array<{ name: string; args: string[] }> = [
    { name: 'unit tests', args: ['unit'] },
    { name: 'suites', args: ['run', ...args] },
  ];
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
  if (interrupted) process.stderr.write('\nknockknock: interrupted; the counts below cover what ran\n');
  const skipped = total.skipped ? `, ${total.skipped} skipped` : '';
  process.stdout.write(`\n${total.passed} passed, ${total.failed} failed${skipped}\n`);
  if (interrupted) return interrupted;
  return total.failed > 0 ? 1 : 0;
}

async function imageCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'build') throw new UsageError(`unknown image command "${sub ?? ''}" (expected: knockknock image build)`);
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

let currentChild: ReturnType<typeof spawn> | undefined;

function runChild(args: string[], statsFile: string): Promise<number> {
  return new Promise((resolveCode) => {
    const child = (currentChild = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, KK_STATS_FILE: statsFile } }));
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
