/** report.json: the whole run, one entry per test, for tooling and trend tracking. */
import type { RunResult } from './results';
import { STATUS_LABELS, isInfrastructureFailure } from './results';
import { knockknockVersion } from './metadata';

export const JSON_REPORT_VERSION = 1;

export function renderJsonReport(run: RunResult): string {
  const report = {
    version: JSON_REPORT_VERSION,
    tool: 'knockknock',
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: new Date(run.endedAt).toISOString(),
    durationMs: run.endedAt - run.startedAt,
    filtered: run.filtered,
    shard: run.shard ?? null,
    specVersion: run.specVersion ?? null,
    /** The HSUT: implementation, name and version from /_matrix/federation/v1/version, image or URL. */
    server: run.metadata?.server ?? null,
    knockknock: run.metadata?.knockknock ?? { version: knockknockVersion() },
    arguments: run.metadata?.arguments ?? null,
    // The vocabulary of every report (results.ts COUNT_WORDS); xfail and unexpectedPass are kept for older readers.
    summary: { ...run.summary, expectedFailures: run.summary.xfail, unexpectedPasses: run.summary.unexpectedPass },
    statusLabels: STATUS_LABELS,
    runWarnings: run.runWarnings,
    staleExpectedFailures: run.staleExpectedFailures,
    unknownClauses: run.unknownClauses,
    tests: run.records.map((record) => ({
      // id is unique per test and room version; logicalId is the same across room versions.
      id: record.id,
      logicalId: record.logicalId,
      title: record.title,
      fullTitle: record.fullTitle,
      suitePath: record.suitePath,
      file: record.file ?? null,
      clauses: record.clauses,
      roomVersion: record.roomVersion ?? null,
      status: record.outcome,
      /** A failure of the infrastructure (network error, hook), not a verdict on the HSUT: JUnit <error>. */
      infrastructure: isInfrastructureFailure(record),
      startedAt: record.startedAt,
      durationMs: record.durationMs ?? null,
      warnings: record.warnings.map(({ rule, message, clause, notClaimed }) => ({
        rule,
        message,
        clause: clause ?? null,
        notClaimed: notClaimed ?? false,
      })),
      error: record.error
        ? {
            message: record.error.message,
            code: record.error.code ?? null,
            rule: record.error.rule ?? null,
            clause: record.error.clause ?? null,
          }
        : null,
      failedHook: record.failedHook ?? null,
      expectedFailure: record.expectedFailure ?? null,
      transcript: record.transcript ?? null,
      ...(record.hsut ? { hsut: record.hsut } : {}),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
