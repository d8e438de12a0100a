/**
 * The one mocha reporter knockknock runs with. It drives every output: progress lines, report.json,
 * junit.xml, summary.md (also appended to $GITHUB_STEP_SUMMARY when asked), report.html and failure transcripts.
 *
 *   const reporting = createReporters({ outDir, expectedFailures, homeserverLogs });
 *   mocha.reporter(reporting.Reporter);
 *   mocha.run((failures) => { process.exitCode = failures > 0 ? 1 : 0; });
 *
 * `failures` handed to mocha's run callback counts failed tests plus unexpected passes; xfails do not count.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Mocha from 'mocha';
import { subscribeHttpExchanges } from '../core/http-exchange';
import { subscribeWarnings } from '../match/warning-channel';
import { RunCollector } from './collector';
import type { ForwardedCapture, HomeserverLogs, RunnableLike } from './collector';
import { loadExpectedFailures } from './expected-failures';
import type { ExpectedFailures } from './expected-failures';
import { knockknockVersion } from './metadata';
import type { RunMetadata } from './metadata';
import { ConsoleOutput } from './console-output';
import type { ProgressMode } from './console-output';
import { progressSummary } from './progress';
import type { RunResult } from './results';
import { publishRunContext } from '../core/run-context';
import { captureFileName } from './worker-capture-files';
import { writeReportFiles } from './write-reports';

export const DEFAULT_OUT_DIR = 'knockknock-report';

export interface ReportOptions {
  /** Where reports go; default ./knockknock-report. */
  outDir?: string;
  /** A parsed list, or the path of an expected-failures JSON file. */
  expectedFailures?: ExpectedFailures | string;
  /** HSUT log text between two wall-clock times (ms), e.g. `(from) => hsut.logs(from)`. */
  homeserverLogs?: HomeserverLogs;
  /** Progress output; default process.stdout. */
  output?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** One line per test (`--verbose`); by default only failures, warnings and a progress counter. */
  verbose?: boolean;
  /** How the progress counter is shown: one rewritten line ('tty', the default on a terminal) or a line per tenth of the run. */
  progress?: ProgressMode;
  /** A file to append summary.md to, e.g. process.env.GITHUB_STEP_SUMMARY. */
  stepSummaryFile?: string;
  /** Mocha runs in parallel mode: exchanges and warnings are forwarded by harness/run/worker-plugin.ts. */
  parallel?: boolean;
  /** The run used --grep/--fgrep/--invert, so stale expected failures are not reported. */
  filtered?: boolean;
  /** This run is one shard of the selected tests (--shard i/n). */
  shard?: { index: number; count: number };
  /** The judged spec version: named in the reports, and expected failures of other releases are dropped. */
  specVersion?: string;
  /** The server under test and the command line, for report.json (the knockknock version is added). */
  metadata?: Omit<RunMetadata, 'knockknock'>;
  /** Text printed after the per-test output and before the closing counts (e.g. that the HSUT died). */
  beforeSummary?: (run: RunResult) => string | undefined;
}

export interface Reporting {
  /** Pass to `mocha.reporter(...)`. */
  Reporter: Mocha.ReporterConstructor;
  outDir: string;
  /** The finished run, once mocha's run callback has been called. */
  result(): RunResult | undefined;
}

export function createReporters(options: ReportOptions = {}): Reporting {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const displayDir = displayPath(outDir);
  const expectedFailures =
    typeof options.expectedFailures === 'string'
      ? loadExpectedFailures(options.expectedFailures, options.specVersion)
      : (options.expectedFailures ?? new Map());
  const output = options.output ?? process.stdout;
  const captureDir = join(outDir, '.captures');
  let finished: RunResult | undefined;

  class KnockknockReporter extends Mocha.reporters.Base {
    private readonly collector: RunCollector;
    private readonly console = new ConsoleOutput({
      output,
      reportDirForDisplay: displayDir,
      verbose: options.verbose ?? false,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    private readonly unsubscribers: Array<() => void> = [];

    constructor(runner: Mocha.Runner, mochaOptions?: Mocha.MochaOptions) {
      super(runner, mochaOptions);
      mkdirSync(outDir, { recursive: true });
      rmSync(join(outDir, 'transcripts'), { recursive: true, force: true });
      if (options.parallel) {
        rmSync(captureDir, { recursive: true, force: true });
        mkdirSync(captureDir, { recursive: true });
        publishRunContext({ captureDir }); // workers are forked after this and inherit it
      }
      this.collector = new RunCollector({
        outDir,
        expectedFailures,
        ...(options.homeserverLogs ? { homeserverLogs: options.homeserverLogs } : {}),
        ...(options.parallel ? { readForwardedCapture: (id: string) => readCapture(captureDir, id) } : {}),
        onRecordClosed: (record) => this.console.recordClosed(record),
      });
      this.unsubscribers.push(
        subscribeHttpExchanges((exchange) => this.collector.onExchange(exchange)),
        subscribeWarnings((warning) => this.collector.onWarning(warning)),
      );
      const { constants } = Mocha.Runner;
      runner.once(constants.EVENT_RUN_BEGIN, () => this.console.setTotal(runner.total ?? 0));
      runner.on(constants.EVENT_TEST_BEGIN, (test: Mocha.Test) => this.collector.testBegin(test as RunnableLike));
      runner.on(constants.EVENT_HOOK_BEGIN, (hook: Mocha.Hook) => {
        if (/"(before|after) all" hook/.test(hook.title)) this.collector.allHookBegin();
      });
      runner.on(constants.EVENT_TEST_PASS, (test: Mocha.Test) => this.collector.testPass(test as RunnableLike));
      runner.on(constants.EVENT_TEST_PENDING, (test: Mocha.Test) => this.collector.testPending(test as RunnableLike));
      runner.on(constants.EVENT_TEST_FAIL, (runnable: Mocha.Runnable, error: unknown) =>
        this.collector.testFail(runnable as unknown as RunnableLike, error),
      );
    }

    /** Mocha waits for this before calling the run callback, and the callback gets our failure count. */
    override done(_mochaFailures: number, callback: (failures: number) => void): void {
      this.finish().then(
        (run) => callback(run.summary.runFailures),
        (error: unknown) => {
          output.write(`knockknock reporter failed: ${(error as Error).stack ?? String(error)}\n`);
          callback(Math.max(1, _mochaFailures));
        },
      );
    }

    private async finish(): Promise<RunResult> {
      for (const unsubscribe of this.unsubscribers) unsubscribe();
      const run = await this.collector.finish({
        filtered: options.filtered ?? false,
        ...(options.specVersion ? { specVersion: options.specVersion } : {}),
      });
      run.metadata = { knockknock: { version: knockknockVersion() }, ...options.metadata };
      if (options.shard) run.shard = options.shard;
      finished = run;
      const files = writeReportFiles(run, outDir, options.stepSummaryFile ? { stepSummaryFile: options.stepSummaryFile } : {});
      if (options.parallel) rmSync(captureDir, { recursive: true, force: true });
      this.console.finish();
      const note = options.beforeSummary?.(run);
      if (note) output.write(note);
      output.write(progressSummary(run, Object.values(files).map(displayPath)));
      return run;
    }
  }

  return { Reporter: KnockknockReporter, outDir, result: () => finished };
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') ? path : relativePath || '.';
}

function readCapture(captureDir: string, testId: string): ForwardedCapture | undefined {
  const file = join(captureDir, captureFileName(testId));
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ForwardedCapture;
}
