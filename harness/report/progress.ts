/** Console output: one line per finished test, then the totals, then exactly `N passed, N failed[, N skipped]`. */
import { posix } from 'node:path';
import type { Outcome } from './expected-failures';
import type { RunResult, TestRecord } from './results';
import { countsPhrase, finalCountLine, finalCountNote, partialRunNote } from './results';
import type { TestGroup } from './groups';
import { describeServerLine } from './metadata';
import { clip, describeRunsWith, groupOutcomes, groupWarnings } from './groups';
import { logicalTitle, withoutVersionTags } from './test-id';
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
  for (const warning of record.warnings)
    lines.push(`            ${warning.notClaimed ? 'not claimed:' : '⚠'} ${firstLine(warning.message)}`);
  return lines.join('\n');
}

export function progressSummary(run: RunResult, reportFiles: string[]): string {
  const { summary } = run;
  const lines = [
    '',
    `knockknock: ${summary.total} tests in ${((run.endedAt - run.startedAt) / 1000).toFixed(1)}s${run.metadata?.server ? ` against ${describeServerLine(run.metadata.server)}` : ''}${run.specVersion ? `, judged against spec v${run.specVersion}` : ''}`,
    `  ${countsPhrase(summary, { all: true })}`,
  ];
  lines.push(...recap('Failed', groupOutcomes(run.records, 'failed')));
  lines.push(...recap('Unexpected passes (listed as expected failures)', groupOutcomes(run.records, 'unexpected-pass')));
  lines.push(...recap('Expected failures', groupOutcomes(run.records, 'xfail')));
  lines.push(...recap('SHOULD warnings', groupWarnings(run.records)));
  for (const warning of run.runWarnings) lines.push(`  ⚠ (outside any test) ${firstLine(warning.message)}`);
  if (run.staleExpectedFailures.length > 0 && !partialRunNote(run)) {
    lines.push('', `Expected-failure entries that matched no test (${run.staleExpectedFailures.length}):`);
    for (const title of run.staleExpectedFailures) lines.push(`  ${title}`);
  }
  if (run.unknownClauses.length > 0) lines.push('', `Clauses not in the catalogue: ${run.unknownClauses.join(', ')}`);
  if (reportFiles.length > 0) lines.push('', `Reports: ${reportFiles.join(', ')}`);
  const note = finalCountNote(summary);
  lines.push('', ...(note ? [note] : []), finalCountLine(summary));
  return `${lines.join('\n')}\n`;
}

const RECAP: Record<TestGroup['kind'], { symbol: string; verb: string; what: string }> = {
  failed: { symbol: '✗', verb: 'failed', what: 'first failure' },
  'unexpected-pass': { symbol: '!', verb: 'passed', what: 'listed reason' },
  xfail: { symbol: '~', verb: 'expected failure', what: 'reason' },
  warning: { symbol: '⚠', verb: 'warned', what: 'first warning' },
};

/** One line per clause and logical test: "clause — 'title': failed in v7–v12 (6) — first failure: …". */
function recap(label: string, groups: readonly TestGroup[]): string[] {
  if (groups.length === 0) return [];
  const runs = groups.reduce((n, g) => n + g.runs.length, 0);
  const lines = [
    '',
    `${label}: ${groups.length} test${groups.length === 1 ? '' : 's'} (${runs} run${runs === 1 ? '' : 's'} across room versions)`,
  ];
  for (const group of groups) {
    const { symbol, verb, what } = RECAP[group.kind];
    const first = group.runs[0];
    const message =
      group.kind === 'xfail' || group.kind === 'unexpected-pass'
        ? (first.record.expectedFailure?.reason ?? '')
        : group.kind === 'warning'
          ? first.detail
          : first.message;
    const infrastructure = group.infrastructure ? ' [infrastructure: network error or hook]' : '';
    lines.push(
      `  ${symbol} ${group.clause ? `${group.clause} — ` : ''}'${clip(group.title, 90)}': ${describeRunsWith(verb, group)}${infrastructure} — ${what}: ${clip(message, group.kind === 'failed' ? 240 : 140)}`,
    );
    if (group.kind === 'failed' || group.kind === 'unexpected-pass') lines.push(`      rerun: ${rerunGroupCommand(group)}`);
  }
  return lines;
}

/** A command that runs exactly this test again, safe to paste into a POSIX shell. */
export function rerunCommand(record: Pick<TestRecord, 'fullTitle' | 'file' | 'roomVersion'>): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const spec = record.file ? ` --spec ${quote(posix.relative(process.cwd(), record.file) || record.file)}` : '';
  const version = record.roomVersion ? ` --room-version ${record.roomVersion}` : '';
  return `npx knockknock run${spec}${version} --fgrep ${quote(record.fullTitle)}`;
}

/**
 * A command that runs a logical test in every room version it failed in: its own title without the version tag
 * is part of each version's full title.
 */
export function rerunGroupCommand(group: Pick<TestGroup, 'runs' | 'versions'>): string {
  const record = group.runs[0].record;
  if (group.runs.length === 1) return rerunCommand(record);
  const spec = record.file ? ` --spec ${shellQuote(posix.relative(process.cwd(), record.file) || record.file)}` : '';
  const versions = [...new Set(group.versions)];
  const version = versions.length > 0 ? ` --room-version ${versions.join(',')}` : '';
  const own = withoutVersionTags(record.title);
  const logical = logicalTitle(record.title);
  // A title that names its version in words differs per version: match that word as any number.
  const select =
    logical === own
      ? `--fgrep ${shellQuote(own)}`
      : `--grep ${shellQuote(logical.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/version N/g, 'version \\d+'))}`;
  return `npx knockknock run${spec}${version} ${select}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
