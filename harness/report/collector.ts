/**
 * Turns mocha runner events into TestRecords: keeps the HTTP exchanges and warnings of the running test's
 * window (test begin → next test or all-hook begins, so afterEach traffic is kept), classifies outcomes against
 * the expected failures, and writes a transcript for each failed or xfail test when its window closes.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HttpExchange } from '../core/http-exchange';
import type { SpecWarning } from '../match/warning-channel';
import { classifyOutcome, expectedFailureFor } from './expected-failures';
import type { ExpectedFailures } from './expected-failures';
import { findSpecClause } from './spec-clauses';
import type { RunResult, TestError, TestRecord } from './results';
import { summarize } from './results';
import { logicalTestId, parseTitleTags, testIdFromTitle } from './test-id';
import { exchangesInFull, formatTranscript } from './transcript';

/** The parts of a mocha Test/Hook the collector reads; parallel mode hands over deserialised look-alikes. */
export interface RunnableLike {
  title: string;
  fullTitle(): string;
  titlePath?(): string[];
  file?: string;
  duration?: number;
  type?: string;
  parent?: { fullTitle(): string } | undefined;
  ctx?: { currentTest?: { title: string; fullTitle?: () => string } } | undefined;
}

/** The log lines of the HSUT (of the instance named, when the run has several) in a time window. */
export type HomeserverLogs = (fromMs: number, toMs: number, hsut?: string) => Promise<string>;

/** What a parallel-mode worker wrote for one test (see harness/run/worker-plugin.ts). */
export interface ForwardedCapture {
  exchanges: HttpExchange[];
  warnings: SpecWarning[];
  startedAt: number;
  endedAt: number;
  /** The server name of the HSUT instance the worker ran the test against. */
  hsut?: string;
}

export interface CollectorOptions {
  outDir: string;
  expectedFailures: ExpectedFailures;
  homeserverLogs?: HomeserverLogs;
  /** Parallel mode: exchanges and warnings come from worker files, looked up by test id. */
  readForwardedCapture?: (testId: string) => ForwardedCapture | undefined;
  onRecordSettled?: (record: TestRecord) => void;
  /**
   * A record's window closed (the next test or hook began, or the run ended): its outcome is final, and in
   * parallel mode the warnings its worker forwarded are in. The console prints from here.
   */
  onRecordClosed?: (record: TestRecord) => void;
  now?: () => number;
  /** Slack around a test's window when asking for homeserver logs (log lines lag the HTTP answer). */
  logSlackMs?: number;
}

interface Capture {
  startedAt: number;
  exchanges: HttpExchange[];
  records: TestRecord[];
}

const TRANSCRIPT_DIR = 'transcripts';

export class RunCollector {
  private readonly records = new Map<string, TestRecord>();
  private readonly runWarnings: SpecWarning[] = [];
  private readonly pendingWrites: Promise<void>[] = [];
  private capture: Capture;
  private readonly now: () => number;
  readonly startedAt: number;

  constructor(private readonly options: CollectorOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.capture = this.newCapture();
  }

  onExchange(exchange: HttpExchange): void {
    this.capture.exchanges.push(exchange);
  }

  onWarning(warning: SpecWarning): void {
    const target = (warning.testId !== undefined ? this.records.get(warning.testId) : undefined) ?? this.capture.records[0];
    if (target) target.warnings.push(warning);
    else this.runWarnings.push(warning);
  }

  testBegin(test: RunnableLike): void {
    this.closeCapture();
    const record = this.newRecord(test);
    this.capture.records.push(record);
  }

  /** before all / after all hooks start a window that belongs to no test. */
  allHookBegin(): void {
    this.closeCapture();
  }

  testPass(test: RunnableLike): TestRecord {
    const record = this.recordFor(test);
    record.durationMs = test.duration;
    this.settle(record, 'passed');
    return record;
  }

  testPending(test: RunnableLike): TestRecord {
    const record = this.recordFor(test);
    this.settle(record, 'pending');
    return record;
  }

  testFail(runnable: RunnableLike, error: unknown): TestRecord {
    const isHook = runnable.type === 'hook';
    const eachHookTest = isHook ? runnable.ctx?.currentTest : undefined;
    let record: TestRecord;
    if (isHook && eachHookTest && /"(before|after) each" hook/.test(runnable.title)) {
      const fullTitle = eachHookTest.fullTitle?.() ?? `${runnable.parent?.fullTitle() ?? ''} ${eachHookTest.title}`.trim();
      record =
        this.records.get(testIdFromTitle(fullTitle)) ??
        this.newRecord({ ...eachHookTest, fullTitle: () => fullTitle, file: runnable.file });
      if (!this.capture.records.includes(record)) this.capture.records.push(record);
      record.failedHook = runnable.title;
    } else if (isHook) {
      record = this.newRecord(runnable);
      record.failedHook = runnable.title;
      this.capture.records.push(record);
    } else {
      record = this.recordFor(runnable);
      record.durationMs = runnable.duration;
    }
    const described = describeError(error);
    record.error = record.error
      ? { ...record.error, message: `${record.error.message}\n(then: ${runnable.title} failed: ${described.message})` }
      : described;
    this.settle(record, 'failed');
    return record;
  }

  /** Closes the last window, waits for transcripts, and returns the run. */
  async finish(options: { filtered?: boolean; specVersion?: string } = {}): Promise<RunResult> {
    this.closeCapture();
    await Promise.all(this.pendingWrites);
    const records = [...this.records.values()];
    // Parallel workers' notes arrive with their capture, after the test settled: classify not-claimed here.
    for (const r of records) markNotClaimed(r);
    // A clause entry is seen only through a test that failed its known way; a title entry through any run of its test.
    const seenKeys = new Set(
      records.map((r) => {
        const found = expectedFailureFor(this.options.expectedFailures, r.fullTitle);
        return found && (found.entry.clause === undefined || r.outcome === 'xfail') ? found.key : r.fullTitle;
      }),
    );
    const unknownClauses = [...new Set(records.flatMap((r) => r.clauses))].filter((c) => !findSpecClause(c));
    return {
      startedAt: this.startedAt,
      endedAt: this.now(),
      records,
      summary: summarize(records, this.runWarnings),
      runWarnings: this.runWarnings,
      staleExpectedFailures: [...this.options.expectedFailures.keys()].filter((key) => !seenKeys.has(key)),
      unknownClauses,
      filtered: options.filtered ?? false,
      ...(options.specVersion ? { specVersion: options.specVersion } : {}),
    };
  }

  private settle(record: TestRecord, state: TestRecord['state']): void {
    record.state = state;
    record.outcome = classifyOutcome(state, record.expectedFailure, record.error?.message);
    if (record.outcome === 'passed') delete record.expectedFailure; // a clause entry's passing test
    if (record.outcome === 'failed' && record.expectedFailure && record.error) {
      record.error.message = `failed otherwise than the expected failure (/${record.expectedFailure.failure}/): ${record.error.message}`;
    }
    record.endedAt = this.now();
    if (record.outcome === 'failed' || record.outcome === 'xfail') {
      record.transcript = `${TRANSCRIPT_DIR}/${record.id}.txt`;
    }
    this.options.onRecordSettled?.(record);
  }

  private closeCapture(): void {
    const capture = this.capture;
    this.capture = this.newCapture();
    const endedAt = this.now();
    for (const record of capture.records) {
      const forwarded = this.options.readForwardedCapture?.(record.id);
      if (forwarded) {
        capture.exchanges.push(...forwarded.exchanges);
        record.warnings.push(...forwarded.warnings);
        record.startedAt = Math.min(record.startedAt, forwarded.startedAt);
        if (forwarded.hsut) record.hsut = forwarded.hsut;
      }
      const windowEnd = forwarded?.endedAt ?? endedAt;
      if (record.transcript) this.pendingWrites.push(this.writeTranscript(record, capture.exchanges, windowEnd));
      markNotClaimed(record);
      this.options.onRecordClosed?.(record);
    }
  }

  private async writeTranscript(record: TestRecord, exchanges: HttpExchange[], windowEnd: number): Promise<void> {
    const slack = this.options.logSlackMs ?? 1000;
    let homeserverLog: string | undefined;
    let homeserverLogError: string | undefined;
    if (this.options.homeserverLogs) {
      try {
        homeserverLog = await this.options.homeserverLogs(record.startedAt - slack, windowEnd + slack, record.hsut);
      } catch (error) {
        homeserverLogError = (error as Error).message ?? String(error);
      }
    }
    const file = join(this.options.outDir, record.transcript as string);
    // Every exchange in full sits next to the transcript, which shows most bodies on one line.
    const sidecar = exchanges.length > 0 ? (record.transcript as string).replace(/\.txt$/, '.exchanges.json') : undefined;
    const text = formatTranscript({
      record: { ...record, endedAt: windowEnd },
      exchanges,
      homeserverLog,
      homeserverLogError,
      ...(sidecar ? { sidecar: basename(sidecar) } : {}),
    });
    mkdirSync(join(this.options.outDir, TRANSCRIPT_DIR), { recursive: true });
    await writeFile(file, text);
    if (sidecar) await writeFile(join(this.options.outDir, sidecar), exchangesInFull(exchanges));
  }

  private recordFor(test: RunnableLike): TestRecord {
    const existing = this.records.get(testIdFromTitle(test.fullTitle()));
    if (existing) return existing;
    // pending tests (it.skip) and tests reported without a begin event
    const record = this.newRecord(test);
    this.capture.records.push(record);
    return record;
  }

  private newRecord(test: RunnableLike): TestRecord {
    const fullTitle = test.fullTitle();
    let id = testIdFromTitle(fullTitle);
    for (let n = 2; this.records.has(id); n++) id = `${testIdFromTitle(fullTitle)}-${n}`;
    const path = test.titlePath?.() ?? [fullTitle];
    const tags = parseTitleTags(fullTitle);
    const expectedFailure = expectedFailureFor(this.options.expectedFailures, fullTitle)?.entry;
    const record: TestRecord = {
      id,
      logicalId: logicalTestId(fullTitle),
      title: test.title,
      fullTitle,
      suitePath: path.slice(0, -1),
      ...(test.file ? { file: test.file } : {}),
      clauses: tags.clauses,
      ...(tags.roomVersions[0] !== undefined ? { roomVersion: tags.roomVersions[0] } : {}),
      state: 'pending',
      outcome: 'skipped',
      startedAt: this.now(),
      warnings: [],
      ...(expectedFailure ? { expectedFailure } : {}),
    };
    this.records.set(id, record);
    return record;
  }

  private newCapture(): Capture {
    return { startedAt: this.now(), exchanges: [], records: [] };
  }
}

/** A skipped test whose notes say its rules are outside the judged release is "not claimed". */
function markNotClaimed(record: TestRecord): void {
  if (record.outcome === 'skipped' && record.warnings.some((w) => w.notClaimed)) record.outcome = 'not-claimed';
}

export function describeError(error: unknown): TestError {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as Error & { code?: unknown; rule?: unknown; clause?: unknown };
    return {
      message: String(e.message),
      ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.rule === 'string' ? { rule: e.rule } : {}),
      ...(typeof e.clause === 'string' ? { clause: e.clause } : {}),
    };
  }
  return { message: String(error) };
}
