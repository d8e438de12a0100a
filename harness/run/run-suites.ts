/**
 * One run: start the HSUT (or connect to it), publish the run context, run the suites with mocha and the
 * reporters, record the metrics, stop the HSUT. `knockknock run` is this with its flags parsed (bin/cli.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { publishRunContext } from '../core/run-context';
import { SPEC_VERSIONS, advertisedSpecVersion, type SpecVersion } from '../core/spec-versions';
import { installExitHandlers, runTeardowns } from '../deploy/cleanup';
import { clearCurrentHomeservers, setCurrentHomeservers } from '../deploy/current';
import { complementSynapseTag, synapseBaseTag } from '../deploy/images';
import { startHomeserver, type DeployOptions, type DriverName } from '../deploy/start';
import type { RunHomeserver } from '../deploy/types';
import { UsageError } from '../deploy/usage-error';
import { ciCounts, createReporters } from '../report';
import { describeServer } from '../report/metadata';
import { describeDeath, watchHomeserver } from './hsut-watch';
import { RunMetricsRecorder } from './metrics';
import { collectSpecFiles, recordCounts, runMocha, workerCount } from './mocha';
import { fileDurationsFromReport, workerFileOrder } from './file-order';
import { selectedTests } from './list-tests';
import { describePreflightProblems, preflightProblems } from './preflight';
import { exactTitlesGrep, shardOfTitle, type Shard } from './shard';

const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Which tests a run (or `list`) selects; published before the suite files load, since they read it then. */
export interface TestSelection {
  spec: string[];
  /** A regular expression over full titles (a literal --fgrep is escaped into one). */
  grep?: string;
  roomVersions?: string[];
  /** The judged spec release; undefined: the newest the HSUT advertises. */
  specVersion?: SpecVersion;
}

export interface RunOptions extends TestSelection {
  deploy: Omit<DeployOptions, 'logFile'>;
  /** How many HSUT instances (container drivers): workers spread over them, each test against exactly one. */
  instances: number;
  outDir: string;
  timeoutMs: number;
  /** The timeout was chosen (--timeout): the suites' own deadlines follow it. */
  timeoutChosen: boolean;
  jobs: number;
  bail?: boolean;
  verbose?: boolean;
  expectedFailures?: string;
  /** Narrowed by flags (--grep, --spec, --room-version): the report says the run is partial. */
  filtered: boolean;
  /** The command line, for report.json (secrets redacted by the caller). */
  arguments: string[];
  /** Run only this shard of the selected tests (--shard i/n). */
  shard?: Shard;
}

// One Synapse answers one request at a time per core but spends most of a test's time waiting on I/O, so a few
// concurrent suite files keep it busy; more only queue up (bench/results.json).
const JOBS_PER_INSTANCE = 4;

/**
 * How many HSUT instances and worker processes a run uses. Workers keep to one instance each
 * (harness/deploy/current.ts), so the default --jobs is a multiple of the instances, and there are never more
 * instances than workers that could use them (a worker per suite file at most).
 */
export function planWorkers(asked: { driver: DriverName; files: number; instances?: number; jobs?: number; cores?: number }): {
  instances: number;
  jobs: number;
} {
  // A Synapse is one Python process: it uses one core, so a container driver starts one per core (up to 4).
  const defaultInstances = asked.driver === 'url' ? 1 : Math.max(1, Math.min(asked.cores ?? availableParallelism(), 4));
  const jobs = asked.jobs ?? Math.max(JOBS_PER_INSTANCE, (asked.instances ?? defaultInstances) * 2);
  const workers = workerCount(jobs, asked.files);
  const instances = Math.max(1, Math.min(asked.instances ?? defaultInstances, workers));
  return { instances, jobs: asked.jobs ?? instances * Math.ceil(jobs / instances) };
}

/** Publishes what the suites read while they load: the room versions and the test timeout. */
export function publishSelection(options: { roomVersions?: string[]; timeoutMs?: number }): void {
  if (options.roomVersions) publishRunContext({ roomVersions: options.roomVersions });
  if (options.timeoutMs !== undefined) publishRunContext({ testTimeoutMs: options.timeoutMs });
}

/** Runs the suites against the HSUT the options describe; resolves to the exit code (0 as expected, 1 not). */
export async function runSuites(options: RunOptions): Promise<number> {
  const { outDir, deploy } = options;
  publishSelection({ roomVersions: options.roomVersions, ...(options.timeoutChosen ? { timeoutMs: options.timeoutMs } : {}) });
  const { spec, grep } = options.shard || options.grep ? await narrowSelection(options) : options;
  const files = collectSpecFiles(spec);
  // No more instances than the workers the narrowed selection keeps busy (a one-test rerun starts one).
  const instanceCount = Math.min(options.instances, workerCount(options.jobs, files.length));
  const lastDurations = fileDurationsFromReport(join(outDir, 'report.json')); // read before this run replaces it
  installExitHandlers();
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(outDir)) if (/^hsut(-\d+)?\.log$/.test(file)) rmSync(join(outDir, file), { force: true });
  try {
    const startedAt = Date.now();
    const instances = await Promise.all(
      Array.from({ length: instanceCount }, (_, i) =>
        startHomeserver({ ...deploy, logFile: join(outDir, i === 0 ? 'hsut.log' : `hsut-${i + 1}.log`) }),
      ),
    );
    const homeserver = instances[0] as RunHomeserver;
    const readyMs = Date.now() - startedAt;
    for (const hs of instances) {
      process.stderr.write(
        `knockknock: HSUT ${hs.implementation} ${hs.serverName} client ${hs.clientUrl} federation ${hs.federationUrl} (ready in ${readyMs} ms)\n`,
      );
    }
    const metrics = new RunMetricsRecorder(
      instances.map((hs) => hs.serverName),
      outDir,
    );
    metrics.hsutReady(readyMs);
    const slotsDir = join(outDir, '.worker-slots');
    rmSync(slotsDir, { recursive: true, force: true });
    if (instances.length > 1) mkdirSync(slotsDir);
    setCurrentHomeservers(instances, instances.length > 1 ? slotsDir : undefined);
    if (deploy.driver === 'url') {
      // Someone else configured this server: a missing setting is named here, not reported as 40 spec failures.
      const problems = await preflightProblems(homeserver);
      if (problems.length > 0) throw new UsageError(describePreflightProblems(problems, homeserver.clientUrl));
    }
    const specVersion = options.specVersion ?? (await advertisedVersionOf(homeserver.clientUrl));
    publishRunContext({ specVersion }); // the suites' checks and the not-claimed hook read it
    process.stderr.write(
      `knockknock: judging against Matrix spec v${specVersion} (${options.specVersion ? '--spec-version' : 'the newest the HSUT advertises; --spec-version chooses another'}); rules of other releases are not claimed\n`,
    );
    const expectedFailuresFile = options.expectedFailures ?? (await defaultExpectedFailures(homeserver, deploy.driver, deploy.image));
    if (expectedFailuresFile) process.stderr.write(`knockknock: expected failures from ${expectedFailuresFile}\n`);
    const deathFile = join(outDir, '.hsut-death.json');
    rmSync(deathFile, { force: true });
    publishRunContext({ hsutDeathFile: deathFile }); // workers read it: a dead HSUT fails the rest as not run
    let deathLogs = '';
    let watches: Array<ReturnType<typeof watchHomeserver>> = [];
    const deathOf = () => watches.map((watch) => watch.death()).find(Boolean);
    const instanceNamed = (name: string | undefined) => instances.find((hs) => hs.serverName === name) ?? homeserver;
    const reporting = createReporters({
      beforeSummary: (run) => {
        const death = deathOf();
        return death && describeDeath(death, run.records, deathLogs);
      },
      outDir,
      ...(expectedFailuresFile ? { expectedFailures: expectedFailuresFile } : {}),
      homeserverLogs: (fromMs, _toMs, hsut) => instanceNamed(hsut).logs(fromMs),
      stepSummaryFile: process.env.GITHUB_STEP_SUMMARY,
      ...(options.shard ? { shard: options.shard } : {}),
      filtered: options.filtered,
      specVersion,
      parallel: workerCount(options.jobs, files.length) > 1,
      verbose: options.verbose ?? false,
      // report.json names the server (its /_matrix/federation/v1/version), the image and the command line.
      metadata: {
        server: {
          ...(await describeServer(homeserver, deploy.image ?? defaultImageTag(deploy.driver))),
          ...(instances.length > 1 ? { instances: instances.length } : {}),
        },
        arguments: options.arguments,
      },
    });
    metrics.suiteStarted(await cpuTimeMs(instances));
    watches = instances.map((hs) =>
      watchHomeserver(hs, {
        onDeath: (death) => {
          const which = instances.length > 1 ? ` ${hs.serverName}` : '';
          process.stderr.write(
            `\nknockknock: the homeserver under test${which} ${death.reason}; stopping: the tests not yet run are reported as not run\n`,
          );
          void hs.logs().then(
            (text) => (deathLogs = text),
            () => undefined,
          );
        },
      }),
    );
    const counts = await runMocha({
      spec,
      grep,
      bail: options.bail,
      reporter: reporting.Reporter,
      timeoutMs: options.timeoutMs,
      jobs: options.jobs,
      orderFiles: (files) => workerFileOrder(files, lastDurations),
      workerRequires: [require.resolve('./worker-plugin')],
      // The numbers of the run's last line (not-claimed tests count as skipped there too).
      countsFromReporter: () => {
        const summary = reporting.result()?.summary;
        return summary && ciCounts(summary);
      },
    });
    for (const watch of watches) watch.stop();
    const death = deathOf();
    rmSync(deathFile, { force: true });
    rmSync(slotsDir, { recursive: true, force: true });
    const records = reporting.result()?.records ?? [];
    const firstResultAt = records.reduce<number | undefined>(
      (first, r) => (r.endedAt && (!first || r.endedAt < first) ? r.endedAt : first),
      undefined,
    );
    metrics.write(outDir, firstResultAt, await cpuTimeMs(instances));
    recordCounts(counts);
    if (deploy.keep) for (const hs of instances) printHowToReuse(hs);
    return counts.failed > 0 || death ? 1 : 0;
  } finally {
    clearCurrentHomeservers();
    await runTeardowns();
  }
}

/**
 * A grep or a shard picks tests out of every file, but workers would load every file to look: a dry run finds the
 * selected tests first, so only their files are run (and only as many instances started as they can use), and a
 * shard becomes a grep for exactly its titles.
 */
async function narrowSelection(options: RunOptions): Promise<{ spec: string[]; grep?: string }> {
  let tests = await selectedTests(options);
  let grep = options.grep;
  if (options.shard) {
    const { index, count } = options.shard;
    const all = tests.length;
    tests = tests.filter((test) => shardOfTitle(test.fullTitle, count) === index);
    process.stderr.write(`knockknock: shard ${index}/${count}: ${tests.length} of the ${all} selected tests\n`);
    grep = exactTitlesGrep(tests.map((test) => test.fullTitle));
  }
  const files = [...new Set(tests.map((test) => test.file))];
  // Every selected test's file is known (mocha sets it): run those files; otherwise all, to be safe.
  const known = files.filter((file): file is string => file !== undefined);
  return { spec: known.length > 0 && known.length === files.length ? known : options.spec, grep };
}

function printHowToReuse(homeserver: RunHomeserver): void {
  const { sharedSecret } = homeserver.describe();
  process.stderr.write(
    `knockknock: --keep: the HSUT is still running; reuse it with --driver url --url ${homeserver.clientUrl} ` +
      `--federation-url ${homeserver.federationUrl} --server-name ${homeserver.serverName}` +
      `${sharedSecret ? ` --shared-secret ${sharedSecret}` : ''} (remove it with docker rm -f)\n`,
  );
}

/** The instances' CPU time together, when every driver can tell. */
async function cpuTimeMs(instances: RunHomeserver[]): Promise<number | undefined> {
  const times = await Promise.all(instances.map((hs) => hs.cpuTimeMs?.()));
  return times.every((t) => t !== undefined) ? times.reduce<number>((sum, t) => sum + (t as number), 0) : undefined;
}

function defaultImageTag(driver: DriverName): string | undefined {
  return driver === 'synapse' ? synapseBaseTag() : driver === 'complement' ? complementSynapseTag() : undefined;
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
