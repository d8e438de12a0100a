/**
 * report.json read back into the run it describes (renderJsonReport's inverse, for `knockknock merge`): enough to
 * render every report again — records, counts, warnings, stale entries, server and spec release.
 */
import type { SpecWarning } from '../match/warning-channel';
import { MOCHA_STATE_OF, type ExpectedFailure, type Outcome } from './expected-failures';
import { JSON_REPORT_VERSION } from './json-report';
import type { RunMetadata } from './metadata';
import { summarize, type RunResult, type TestRecord } from './results';

interface JsonTest {
  id: string;
  logicalId: string;
  title: string;
  fullTitle: string;
  suitePath: string[];
  file: string | null;
  clauses: string[];
  roomVersion: string | null;
  status: Outcome;
  startedAt?: number;
  durationMs: number | null;
  warnings: Array<{ rule: string; message: string; clause: string | null; notClaimed: boolean }>;
  error: { message: string; code: string | null; rule: string | null; clause: string | null } | null;
  failedHook: string | null;
  expectedFailure: ExpectedFailure | null;
  transcript: string | null;
  hsut?: string;
}

export interface JsonReport {
  version: number;
  tool: string;
  startedAt: string;
  endedAt: string;
  filtered: boolean;
  shard?: { index: number; count: number } | null;
  specVersion: string | null;
  server: RunMetadata['server'] | null;
  knockknock: RunMetadata['knockknock'];
  arguments: string[] | null;
  runWarnings: SpecWarning[];
  staleExpectedFailures: string[];
  unknownClauses: string[];
  tests: JsonTest[];
}

/** Throws when the text is not a knockknock report.json of this format version. */
export function parseJsonReport(text: string): JsonReport {
  const report = JSON.parse(text) as Partial<JsonReport>;
  if (report.tool !== 'knockknock' || !Array.isArray(report.tests)) throw new Error('not a knockknock report.json');
  if (report.version !== JSON_REPORT_VERSION)
    throw new Error(`report.json format ${String(report.version)}; this knockknock reads ${JSON_REPORT_VERSION}`);
  return report as JsonReport;
}

export function runFromJsonReport(report: JsonReport): RunResult {
  const records = report.tests.map((test): TestRecord => {
    const record: TestRecord = {
      id: test.id,
      logicalId: test.logicalId,
      title: test.title,
      fullTitle: test.fullTitle,
      suitePath: test.suitePath,
      clauses: test.clauses,
      state: MOCHA_STATE_OF[test.status],
      outcome: test.status,
      startedAt: test.startedAt ?? Date.parse(report.startedAt),
      warnings: test.warnings.map((w) => ({
        rule: w.rule,
        message: w.message,
        ...(w.clause ? { clause: w.clause } : {}),
        ...(w.notClaimed ? { notClaimed: true } : {}),
      })),
    };
    if (test.file) record.file = test.file;
    if (test.roomVersion) record.roomVersion = test.roomVersion;
    if (test.durationMs !== null) {
      record.durationMs = test.durationMs;
      record.endedAt = record.startedAt + test.durationMs;
    }
    if (test.error) {
      record.error = { message: test.error.message };
      if (test.error.code) record.error.code = test.error.code;
      if (test.error.rule) record.error.rule = test.error.rule;
      if (test.error.clause) record.error.clause = test.error.clause;
    }
    if (test.failedHook) record.failedHook = test.failedHook;
    if (test.expectedFailure) record.expectedFailure = test.expectedFailure;
    if (test.transcript) record.transcript = test.transcript;
    if (test.hsut) record.hsut = test.hsut;
    return record;
  });
  return {
    startedAt: Date.parse(report.startedAt),
    endedAt: Date.parse(report.endedAt),
    records,
    summary: summarize(records, report.runWarnings),
    runWarnings: report.runWarnings,
    staleExpectedFailures: report.staleExpectedFailures,
    unknownClauses: report.unknownClauses,
    filtered: report.filtered,
    ...(report.shard ? { shard: report.shard } : {}),
    ...(report.specVersion ? { specVersion: report.specVersion } : {}),
    metadata: {
      knockknock: report.knockknock,
      ...(report.server ? { server: report.server } : {}),
      ...(report.arguments ? { arguments: report.arguments } : {}),
    },
  };
}
