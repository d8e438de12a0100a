/** What the reporter records per test, and the run totals every output format is rendered from. */
import type { SpecWarning } from '../match/warning-channel';
import type { ExpectedFailure, MochaState, Outcome } from './expected-failures';

export interface TestError {
  message: string;
  stack?: string;
  /** Stable code when the error has one (KK_SPEC_VIOLATION, UND_ERR_…, ERR_ASSERTION). */
  code?: string;
  /** The spec rule a must.* check named. */
  rule?: string;
  /** The catalogue clause it cited. */
  clause?: string;
}

export interface TestRecord {
  /** Unique per run: the full title's slug and hash (each room version has its own). */
  id: string;
  /** The same for every room version of the test (the title without its `[vN]` tags). */
  logicalId: string;
  title: string;
  fullTitle: string;
  /** Titles of the enclosing describes, outermost first. */
  suitePath: string[];
  file?: string;
  clauses: string[];
  roomVersion?: string;
  state: MochaState;
  outcome: Outcome;
  durationMs?: number;
  startedAt: number;
  endedAt?: number;
  warnings: SpecWarning[];
  error?: TestError;
  /** Set when a hook failed on this test's behalf, or the record stands for a before/after all hook. */
  failedHook?: string;
  expectedFailure?: ExpectedFailure;
  /** Path of the transcript, relative to the report directory. */
  transcript?: string;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  xfail: number;
  unexpectedPass: number;
  skipped: number;
  /** Tests whose rules the judged spec version does not have. */
  notClaimed: number;
  warnings: number;
  /** Outcomes that fail the run: failed + unexpected passes. */
  runFailures: number;
}

export interface RunResult {
  startedAt: number;
  endedAt: number;
  records: TestRecord[];
  summary: RunSummary;
  /** Warnings published while no test was running. */
  runWarnings: SpecWarning[];
  /** Expected-failure entries whose title matched no test of this run (renamed or removed tests). */
  staleExpectedFailures: string[];
  /** Clause ids used in titles that the catalogue does not know. */
  unknownClauses: string[];
  /** The spec release the run judged the HSUT against. */
  specVersion?: string;
  /** Set when the run used --grep/--fgrep: stale entries and coverage are then partial. */
  filtered: boolean;
}

export function summarize(records: readonly TestRecord[], runWarnings: readonly SpecWarning[] = []): RunSummary {
  const count = (outcome: TestRecord['outcome']) => records.filter((r) => r.outcome === outcome).length;
  const summary = {
    total: records.length,
    passed: count('passed'),
    failed: count('failed'),
    xfail: count('xfail'),
    unexpectedPass: count('unexpected-pass'),
    skipped: count('skipped'),
    notClaimed: count('not-claimed'),
    warnings: records.reduce((n, r) => n + r.warnings.filter((w) => !w.notClaimed).length, runWarnings.length),
  };
  return { ...summary, runFailures: summary.failed + summary.unexpectedPass };
}

/** The last line of the progress output: xfail counts as passed, an unexpected pass as failed. */
export function finalCountLine(summary: RunSummary): string {
  const line = `${summary.passed + summary.xfail} passed, ${summary.failed + summary.unexpectedPass} failed`;
  const skipped = summary.skipped + summary.notClaimed;
  return skipped > 0 ? `${line}, ${skipped} skipped` : line;
}
