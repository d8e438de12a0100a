/**
 * knockknock command line: flag parsing and dispatch. What each command does lives in harness/run (a run, list,
 * test) and harness/deploy (images).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ROOM_VERSIONS } from '../harness/core';
import { NEWEST_SPEC_VERSION, SPEC_VERSIONS, isSpecVersion } from '../harness/core/spec-versions';
import { containerEnv } from '../harness/deploy/container-env';
import { dockerEngine } from '../harness/deploy/docker-engine';
import { buildAllImages, synapseBaseTag } from '../harness/deploy/images';
import { DRIVERS, DriverName } from '../harness/deploy/start';
import { UsageError } from '../harness/deploy/usage-error';
import { DEFAULT_OUT_DIR } from '../harness/report';
import { redactArguments } from '../harness/report/metadata';
import { listTests } from '../harness/run/list-tests';
import { DEFAULT_SUITE_SPEC, collectSpecFiles } from '../harness/run/mocha';
import { runMochaConfig } from '../harness/run/mocha-config';
import { planWorkers, runSuites, type RunOptions } from '../harness/run/run-suites';
import { mergeReports } from '../harness/run/merge';
import { MAX_SHARDS, parseShard } from '../harness/run/shard';
import { testEverything } from '../harness/run/test-everything';

const USAGE = `usage:
  knockknock run [flags]          start one HSUT, run the knock suites against it, write reports, stop it
  knockknock list [flags]         print every test (with its spec clauses) that run would execute
  knockknock merge DIR… [--out D] one report out of the report directories of the shards of a run (--shard)
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
  --jobs N                          run suite files in N worker processes (default 4, or 2 per instance; 1 = serial)
  --instances N                     start N HSUT containers and spread the workers over them, each test against
                                    exactly one (synapse and complement drivers; default one per core, up to 4)
  --shard i/n                       run only the i-th of n parts of the selected tests (a hash of each full
                                    title: stable across runs and machines); knockknock merge joins the reports
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
  instances: { type: 'string' },
  shard: { type: 'string' },
  timeout: { type: 'string' },
  'expected-failures': { type: 'string' },
  out: { type: 'string' },
  'report-dir': { type: 'string' },
  keep: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const DEFAULT_TEST_TIMEOUT_MS = 60_000;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'list':
      return listCommand(rest);
    case 'test':
      return testCommand(rest);
    case 'merge':
      return mergeCommand(rest);
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
      throw new UsageError(
        `unknown command "${command}" (expected run, list, test, merge, unit, selftest or image build; see knockknock --help)`,
      );
  }
}

function parseRunFlags(args: string[]): RunOptions & { help: boolean } {
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
  const timeoutMs = values.timeout === undefined ? DEFAULT_TEST_TIMEOUT_MS : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new UsageError(`--timeout must be a positive number of milliseconds (got "${values.timeout}")`);
  let roomVersions: string[] | undefined;
  if (values['room-version'] !== undefined) {
    const known = Object.keys(ROOM_VERSIONS);
    roomVersions = values['room-version'].split(',').map((v) => v.trim());
    const unknown = roomVersions.filter((v) => !known.includes(v));
    if (unknown.length || roomVersions.length === 0) {
      throw new UsageError(`--room-version takes a comma-separated list of ${known.join(', ')} (got "${values['room-version']}")`);
    }
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
  const spec = values.spec?.length ? values.spec : [DEFAULT_SUITE_SPEC];
  let files: string[];
  try {
    files = collectSpecFiles(spec);
  } catch (error) {
    throw new UsageError(`--spec: ${(error as Error).message} (suite files are under suites/, e.g. suites/send-knock.test.ts)`);
  }
  const askedInstances = wholeNumberFlag('--instances', values.instances, 1, 8);
  if (askedInstances !== undefined && askedInstances > 1 && driver === 'url')
    throw new UsageError('--instances goes with --driver synapse or complement (a --url HSUT is one server)');
  const askedJobs = wholeNumberFlag('--jobs', values.jobs, 1, 16);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && !shard)
    throw new UsageError(
      `--shard takes i/n, this machine's part of n (1 ≤ i ≤ n ≤ ${MAX_SHARDS}), e.g. --shard 2/4 (got "${values.shard}")`,
    );
  const { instances, jobs } = planWorkers({
    driver,
    files: files.length,
    ...(askedInstances !== undefined ? { instances: askedInstances } : {}),
    ...(askedJobs !== undefined ? { jobs: askedJobs } : {}),
  });
  return {
    help: values.help ?? false,
    deploy: {
      driver,
      image: values.image,
      url: values.url,
      federationUrl: values['federation-url'],
      serverName: values['server-name'],
      sharedSecret: values['shared-secret'],
      hsutLog: values['hsut-log'],
      keep: values.keep,
      env,
    },
    outDir: resolve(values.out ?? values['report-dir'] ?? DEFAULT_OUT_DIR),
    spec,
    grep,
    roomVersions,
    ...(specVersion !== undefined ? { specVersion } : {}),
    timeoutMs,
    timeoutChosen: values.timeout !== undefined,
    jobs,
    instances,
    ...(shard ? { shard } : {}),
    bail: values.bail,
    verbose: values.verbose,
    expectedFailures: values['expected-failures'],
    filtered: Boolean(grep || values.spec?.length || roomVersions),
    arguments: redactArguments(['run', ...args]),
  };
}

/** The flag's value as a whole number from min to max; undefined when the flag is not given. */
function wholeNumberFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

async function runCommand(args: string[]): Promise<number> {
  const options = parseRunFlags(args);
  if (options.help) return printUsage();
  return runSuites(options);
}

/** Every test `run` would execute with the same flags, one per line with its spec clauses (mocha dry run). */
async function listCommand(args: string[]): Promise<number> {
  const options = parseRunFlags(args);
  if (options.help) return printUsage();
  return listTests(options);
}

async function mochaConfigCommand(configFile: string, args: string[]): Promise<number> {
  const { values } = parse(args, { grep: RUN_OPTIONS.grep, reporter: { type: 'string', short: 'R' } });
  return runMochaConfig(configFile, values);
}

async function testCommand(args: string[]): Promise<number> {
  const { outDir, specVersion } = parseRunFlags(args); // reject bad flags before doing anything
  return testEverything({ runArgs: args, outDir, ...(specVersion ? { specVersion } : {}) });
}

function mergeCommand(args: string[]): number {
  const { values, positionals } = parse(args, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) return printUsage();
  return mergeReports(positionals, resolve(values.out ?? DEFAULT_OUT_DIR));
}

function printUsage(): number {
  process.stdout.write(`${USAGE}\n`);
  return 0;
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

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see knockknock --help)`);
  }
}
