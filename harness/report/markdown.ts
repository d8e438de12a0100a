/**
 * summary.md, fit for $GITHUB_STEP_SUMMARY: totals, what failed and where its transcript is, then the spec
 * coverage matrix (catalogue clause × outcome, one column per room version the run exercised).
 */
import { posix } from 'node:path';
import type { Outcome } from './expected-failures';
import type { RunResult, TestRecord } from './results';
import { SPEC_CLAUSES, describeClauseRange } from './spec-clauses';
import type { SpecClause } from './spec-clauses';
import { finalCountLine } from './results';
import { firstLine } from './transcript';

export type CoverageCell = 'pass' | 'fail' | 'xfail' | 'skipped' | 'not-claimed' | 'not-covered' | 'n/a';

const CELL_TEXT: Record<CoverageCell, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  xfail: '⚠️ expected failure',
  skipped: '⏭️ skipped',
  'not-claimed': '◻️ not claimed',
  'not-covered': '⬜ not covered',
  'n/a': 'n/a',
};

export interface MarkdownOptions {
  reportDirForDisplay: string;
  catalogue?: readonly SpecClause[];
}

export function renderMarkdownSummary(run: RunResult, options: MarkdownOptions): string {
  const { summary } = run;
  const lines: string[] = [];
  const verdict = summary.runFailures === 0 ? '✅' : '❌';
  lines.push(`## ${verdict} knockknock: ${finalCountLine(summary)}`, '');
  if (run.specVersion) lines.push(`Judged against Matrix spec **v${run.specVersion}**: rules of other releases are "not claimed", never failures.`, '');
  lines.push('| passed | failed | expected failures | unexpected passes | skipped | not claimed | warnings |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  lines.push(`| ${summary.passed} | ${summary.failed} | ${summary.xfail} | ${summary.unexpectedPass} | ${summary.skipped} | ${summary.notClaimed} | ${summary.warnings} |`, '');
  if (run.filtered) lines.push('> The run was filtered (--grep): coverage and stale expected failures are partial.', '');

  const transcriptOf = (r: TestRecord) => (r.transcript ? `\`${posix.join(options.reportDirForDisplay, r.transcript)}\`` : '');
  section(lines, 'Failures', run.records.filter((r) => r.outcome === 'failed'), ['Test', 'Error', 'Transcript'], (r) => [
    r.fullTitle,
    firstLine(r.error?.message ?? ''),
    transcriptOf(r),
  ]);
  section(lines, 'Unexpected passes (remove them from the expected-failures file)', run.records.filter((r) => r.outcome === 'unexpected-pass'), ['Test', 'Listed reason'], (r) => [
    r.fullTitle,
    `${r.expectedFailure?.reason ?? ''} ([link](${r.expectedFailure?.link ?? ''}))`,
  ]);
  section(lines, 'Expected failures', run.records.filter((r) => r.outcome === 'xfail'), ['Test', 'Reason', 'Transcript'], (r) => [
    r.fullTitle,
    `${r.expectedFailure?.reason ?? ''} ([link](${r.expectedFailure?.link ?? ''}))`,
    transcriptOf(r),
  ]);
  const warned = run.records.flatMap((r) => r.warnings.filter((w) => !w.notClaimed).map((w) => ({ r, w })));
  section(lines, 'SHOULD warnings', warned, ['Test', 'Warning'], ({ r, w }) => [r.fullTitle, firstLine(w.message)]);
  if (run.staleExpectedFailures.length > 0 && !run.filtered) {
    lines.push('### Expected-failure entries that matched no test', '');
    for (const title of run.staleExpectedFailures) lines.push(`- ${cell(title)}`);
    lines.push('');
  }
  if (run.unknownClauses.length > 0) {
    lines.push(`> Titles name clauses missing from the catalogue (harness/report/spec-clauses.ts): ${run.unknownClauses.map((c) => `\`${c}\``).join(', ')}`, '');
  }
  lines.push(...renderCoverageMatrix(run.records, options.catalogue ?? SPEC_CLAUSES));
  return `${lines.join('\n')}\n`;
}

export function renderCoverageMatrix(records: readonly TestRecord[], catalogue: readonly SpecClause[] = SPEC_CLAUSES): string[] {
  const versions = [...new Set(records.map((r) => r.roomVersion).filter((v): v is string => v !== undefined))].sort(compareVersions);
  const uncovered = catalogue.filter((c) => coverageCell(records, c) === 'not-covered').length;
  const lines = [
    `### Spec coverage (${catalogue.length - uncovered} of ${catalogue.length} clauses covered)`,
    '',
    `| Area | Clause | Level | Spec | All versions |${versions.map((v) => ` v${v} |`).join('')}`,
    `|---|---|---|---|---|${versions.map(() => '---|').join('')}`,
  ];
  for (const clause of catalogue) {
    const perVersion = versions.map((v) => CELL_TEXT[coverageCell(records, clause, v)]);
    const overall = coverageCell(records, clause);
    const overallText = overall === 'not-covered' ? `**${CELL_TEXT[overall]}**` : `${CELL_TEXT[overall]} (${testsFor(records, clause).length})`;
    lines.push(`| ${clause.area} | [${cell(clause.title)}](${clause.link}) \`${clause.id}\` | ${clause.level} | ${describeClauseRange(clause)} | ${overallText} |${perVersion.map((t) => ` ${t} |`).join('')}`);
  }
  lines.push('', 'Cells: ❌ if any test of the clause failed (or passed unexpectedly), else ⚠️ if any is an expected failure, else ✅; n/a: the clause does not apply to that room version.', '');
  return lines;
}

export function coverageCell(records: readonly TestRecord[], clause: SpecClause, version?: string): CoverageCell {
  if (version !== undefined && clause.appliesTo && !clause.appliesTo.includes(version)) return 'n/a';
  const outcomes = new Set<Outcome>(
    testsFor(records, clause).filter((r) => version === undefined || r.roomVersion === version).map((r) => r.outcome),
  );
  if (outcomes.has('failed') || outcomes.has('unexpected-pass')) return 'fail';
  if (outcomes.has('xfail')) return 'xfail';
  if (outcomes.has('passed')) return 'pass';
  if (outcomes.has('skipped')) return 'skipped';
  if (outcomes.has('not-claimed')) return 'not-claimed';
  return 'not-covered';
}

function testsFor(records: readonly TestRecord[], clause: SpecClause): TestRecord[] {
  return records.filter((r) => r.clauses.includes(clause.id));
}

function section<T>(lines: string[], heading: string, items: T[], columns: string[], row: (item: T) => string[]): void {
  if (items.length === 0) return;
  lines.push(`### ${heading} (${items.length})`, '', `| ${columns.join(' | ')} |`, `|${columns.map(() => '---|').join('')}`);
  for (const item of items) lines.push(`| ${row(item).map(cell).join(' | ')} |`);
  lines.push('');
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isNaN(na) || Number.isNaN(nb) ? a.localeCompare(b) : na - nb;
}
