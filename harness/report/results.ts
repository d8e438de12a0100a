/** What the reporter records per test, and the run totals every output format is rendered from. */
import type { SpecWarning } from '../match/warning-channel';
import type { ExpectedFailure, MochaState, Outcome } from './expected-failures';
import type { RunMetadata } from './metadata';

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
  /** The server name of the HSUT instance it ran against, when the run had several (--instances). */
  hsut?: string;
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
  /** Of the failed, those of the infrastructure (network errors, hooks): JUnit <error>s. */
  infrastructureErrors: number;
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
  /** One shard of a sharded run (--shard i/n): its coverage and stale entries are partial too, until merged. */
  shard?: { index: number; count: number };
  /** The server, the knockknock version and the command line, when the reporter was told them. */
  metadata?: RunMetadata;
}

/** Why coverage and stale expected failures are partial, if they are: the flags that narrowed the run, or a shard. */
export function partialRunNote(run: Pick<RunResult, 'filtered' | 'shard'>): string | undefined {
  if (run.shard)
    return `shard ${run.shard.index}/${run.shard.count} of the selected tests${run.filtered ? ', of a filtered selection' : ''}`;
  return run.filtered ? 'a filtered run (--grep/--fgrep, --spec or --room-version)' : undefined;
}

/** Network errors against the HSUT (no HTTP answer at all): undici and Node codes, and what the clients say. */
const NETWORK_ERROR =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_[A-Z_]+)\b|socket hang up|other side closed/;

/**
 * A failure of the test's infrastructure rather than a verdict on the HSUT: a network error (the HSUT never
 * answered), or a hook that failed other than on an assertion (a before/after-all hook, or an each-hook that
 * threw). JUnit reports these as <error>, not <failure>.
 */
export function isInfrastructureFailure(record: Pick<TestRecord, 'outcome' | 'failedHook' | 'error'>): boolean {
  if (record.outcome !== 'failed') return false;
  const assertion = record.error?.code === 'KK_SPEC_VIOLATION' || record.error?.code === 'ERR_ASSERTION';
  if (record.failedHook && (!assertion || /"(before|after) all" hook/.test(record.failedHook))) return true;
  if (assertion) return false;
  return record.error?.code === 'KK_NETWORK_ERROR' || NETWORK_ERROR.test(`${record.error?.code ?? ''} ${record.error?.message ?? ''}`);
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
  return {
    ...summary,
    runFailures: summary.failed + summary.unexpectedPass,
    infrastructureErrors: records.filter(isInfrastructureFailure).length,
  };
}

/**
 * The one vocabulary every output uses for the run's counts, in this order: the console, summary.md (headline
 * and table), JUnit's summary comment and report.json (`summary`, `statusLabels`).
 */
export const COUNT_WORDS = [
  { key: 'passed', outcome: 'passed', one: 'passed', many: 'passed' },
  { key: 'failed', outcome: 'failed', one: 'failed', many: 'failed' },
  { key: 'xfail', outcome: 'xfail', one: 'expected failure', many: 'expected failures' },
  { key: 'unexpectedPass', outcome: 'unexpected-pass', one: 'unexpected pass', many: 'unexpected passes' },
  { key: 'notClaimed', outcome: 'not-claimed', one: 'not claimed', many: 'not claimed' },
  { key: 'skipped', outcome: 'skipped', one: 'skipped', many: 'skipped' },
] as const satisfies ReadonlyArray<{ key: keyof RunSummary; outcome: TestRecord['outcome']; one: string; many: string }>;

/** What each report.json status means, in the words of COUNT_WORDS. */
export const STATUS_LABELS: Record<TestRecord['outcome'], string> = Object.fromEntries(
  COUNT_WORDS.map((w) => [w.outcome, w.one]),
) as Record<TestRecord['outcome'], string>;

export interface CountPart {
  label: string;
  /** Singular and plural label, for a table header. */
  heading: string;
  n: number;
}

/** The counts in vocabulary order, then the warnings: every category, zeros included. */
export function countParts(summary: RunSummary): CountPart[] {
  return [
    ...COUNT_WORDS.map((w) => ({ label: summary[w.key] === 1 ? w.one : w.many, heading: w.many, n: summary[w.key] })),
    { label: summary.warnings === 1 ? 'warning' : 'warnings', heading: 'warnings', n: summary.warnings },
  ];
}

/**
 * "905 passed · 0 failed · 45 expected failures · 6 not claimed · 123 warnings": passed and failed always, the
 * other categories when not zero (`all`: every one).
 */
export function countsPhrase(summary: RunSummary, options: { all?: boolean } = {}): string {
  return countParts(summary)
    .filter((p, i) => options.all || i < 2 || p.n > 0)
    .map((p) => `${p.n} ${p.label}`)
    .join(' · ');
}

/** The counts `knockknock test` adds up and the last line shows: xfail counts as passed, an unexpected pass as failed. */
export function ciCounts(summary: RunSummary): { passed: number; failed: number; skipped: number } {
  return {
    passed: summary.passed + summary.xfail,
    failed: summary.failed + summary.unexpectedPass,
    skipped: summary.skipped + summary.notClaimed,
  };
}

/** The last line of the progress output, for CI: exactly `N passed, N failed[, N skipped]` (see ciCounts). */
export function finalCountLine(summary: RunSummary): string {
  const { passed, failed, skipped } = ciCounts(summary);
  const line = `${passed} passed, ${failed} failed`;
  return skipped > 0 ? `${line}, ${skipped} skipped` : line;
}

/** Says how the last line's three numbers are made of the categories, when they are not the same. */
export function finalCountNote(summary: RunSummary): string | undefined {
  const parts = [
    summary.xfail > 0 ? 'expected failures count as passed' : '',
    summary.unexpectedPass > 0 ? 'unexpected passes as failed' : '',
    summary.notClaimed > 0 ? 'not claimed as skipped' : '',
  ].filter(Boolean);
  return parts.length > 0 ? `(in the last line ${parts.join(', ')})` : undefined;
}
