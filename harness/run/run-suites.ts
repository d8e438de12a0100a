/**
 * One run: start the HSUT (or connect to it), publish the run context, run the suites with mocha and the
 * reporters, record the metrics, stop the HSUT. `knockknock run` is this with its flags parsed (bin/cli.ts).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { publishRunContext } from '../core/run-context';
import { SPEC_VERSIONS, advertisedSpecVersion, type SpecVersion } from '../core/spec-versions';
import { installExitHandlers, runTeardowns } from '../deploy/cleanup';
import { clearCurrentHomeserver, setCurrentHomeserver } from '../deploy/current';
import { complementSynapseTag, synapseBaseTag } from '../deploy/images';
import { startHomeserver, type DeployOptions, type DriverName } from '../deploy/start';
import type { RunHomeserver } from '../deploy/types';
import { UsageError } from '../deploy/usage-error';
import { ciCounts, createReporters } from '../report';
import { describeServer } from '../report/metadata';
import { describeDeath, watchHomeserver } from './hsut-watch';
import { RunMetricsRecorder } from './metrics';
import { collectSpecFiles, recordCounts, runMocha, workerCount } from './mocha';
import { describePreflightProblems, preflightProblems } from './preflight';

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
  deploy: Omit<DeployOptions, 'reportDir'>;
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
  installExitHandlers();
  mkdirSync(outDir, { recursive: true });
  rmSync(join(outDir, 'hsut.log'), { force: true });
  try {
    const startedAt = Date.now();
    const homeserver = await startHomeserver({ ...deploy, reportDir: outDir });
    const readyMs = Date.now() - startedAt;
    process.stderr.write(
      `knockknock: HSUT ${homeserver.implementation} ${homeserver.serverName} client ${homeserver.clientUrl} ` +
        `federation ${homeserver.federationUrl} (ready in ${readyMs} ms)\n`,
    );
    const metrics = new RunMetricsRecorder(homeserver.serverName, outDir);
    metrics.hsutReady(readyMs);
    setCurrentHomeserver(homeserver);
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
      filtered: options.filtered,
      specVersion,
      parallel: workerCount(options.jobs, collectSpecFiles(options.spec).length) > 1,
      verbose: options.verbose ?? false,
      // report.json names the server (its /_matrix/federation/v1/version), the image and the command line.
      metadata: {
        server: await describeServer(homeserver, deploy.image ?? defaultImageTag(deploy.driver)),
        arguments: options.arguments,
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
      spec: options.spec,
      grep: options.grep,
      bail: options.bail,
      reporter: reporting.Reporter,
      timeoutMs: options.timeoutMs,
      jobs: options.jobs,
      workerRequires: [require.resolve('./worker-plugin')],
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
    if (deploy.keep) printHowToReuse(homeserver);
    return counts.failed > 0 || death ? 1 : 0;
  } finally {
    clearCurrentHomeserver();
    await runTeardowns();
  }
}

function printHowToReuse(homeserver: RunHomeserver): void {
  const { sharedSecret } = homeserver.describe();
  process.stderr.write(
    `knockknock: --keep: the HSUT is still running; reuse it with --driver url --url ${homeserver.clientUrl} ` +
      `--federation-url ${homeserver.federationUrl} --server-name ${homeserver.serverName}` +
      `${sharedSecret ? ` --shared-secret ${sharedSecret}` : ''} (remove it with docker rm -f)\n`,
  );
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
