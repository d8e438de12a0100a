/** Console output: one line per finished test, then the totals, then exactly `N passed, N failed[, N skipped]`. */
import { posix } from 'node:path';
import type { Outcome } from './expected-failures';
import type { RunResult, TestRecord } from './results';
import { finalCountLine } from './results';
import { firstLine } from './transcript';

const SYMBOLS: Record<Outcome, string> = {
  passed: '✓ pass ',
  failed: '✗ FAIL ',
  xfail: '~ xfail',
  'unexpected-pass': '! XPASS',
  skipped: '- skip ',
  'not-claimed': '- n/c  ',
};

export function progressLine(record: TestRecord, reportDirForDisplay: string): string {
  const duration = record.durationMs === undefined ? '' : `${record.durationMs}ms`;
  const hook = record.failedHook ? ` (in ${record.failedHook})` : '';
  const lines = [`  ${SYMBOLS[record.outcome]} ${duration.padStart(7)}  ${record.fullTitle}${hook}`];
  if (record.outcome === 'failed' || record.outcome === 'xfail') {
    if (record.error) lines.push(`            ${firstLine(record.error.message)}`);
    if (record.transcript) lines.push(`            transcript: ${posix.join(reportDirForDisplay, record.transcript)}`);
    if (record.outcome === 'failed') lines.push(`            rerun: ${rerunCommand(record)}`);
  }
  if (record.outcome === 'unexpected-pass' && record.expectedFailure) {
    lines.push(`            passed, but listed as an expected failure: ${record.expectedFailure.reason} (${record.expectedFailure.link})`);
  }
  for (const warning of record.warnings) lines.push(`            ${warning.notClaimed ? 'not claimed:' : '⚠'} ${firstLine(warning.message)}`);
  return lines.join('\n');
}

export function progressSummary(run: RunResult, reportFiles: string[]): string {
  const { summary } = run;
  const lines = [
    '',
    `knockknock: ${summary.total} tests in ${((run.endedAt - run.startedAt) / 1000).toFixed(1)}s${run.specVersion ? `, judged against spec v${run.specVersion}` : ''}`,
    `  passed ${summary.passed} · failed ${summary.failed} · xfail ${summary.xfail} · unexpected pass ${summary.unexpectedPass} · skipped ${summary.skipped} · not claimed ${summary.notClaimed} · warnings ${summary.warnings}`,
  ];
  const failing = run.records.filter((r) => r.outcome === 'failed' || r.outcome === 'unexpected-pass');
  if (failing.length > 0) {
    lines.push('', 'Failing:');
    for (const record of failing) lines.push(`  ${SYMBOLS[record.outcome]} ${record.fullTitle}`);
  }
  for (const warning of run.runWarnings) lines.push(`  ⚠ (outside any test) ${firstLine(warning.message)}`);
  if (run.staleExpectedFailures.length > 0 && !run.filtered) {
    lines.push('', `Expected-failure entries that matched no test (${run.staleExpectedFailures.length}):`);
    for (const title of run.staleExpectedFailures) lines.push(`  ${title}`);
  }
  if (run.unknownClauses.length > 0) lines.push('', `Clauses not in the catalogue: ${run.unknownClauses.join(', ')}`);
  if (reportFiles.length > 0) lines.push('', `Reports: ${reportFiles.join(', ')}`);
  lines.push('', finalCountLine(summary));
  return `${lines.join('\n')}\n`;
}

/** A command that runs exactly this test again, safe to paste into a POSIX shell. */
export function rerunCommand(record: Pick<TestRecord, 'fullTitle' | 'file' | 'roomVersion'>): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const spec = record.file ? ` --spec ${quote(posix.relative(process.cwd(), record.file) || record.file)}` : '';
  const version = record.roomVersion ? ` --room-version ${record.roomVersion}` : '';
  return `npx knockknock run${spec}${version} --fgrep ${quote(record.fullTitle)}`;
}
