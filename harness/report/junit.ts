/**
 * JUnit XML for CI test views (GitHub test-reporter actions, GitLab unit test reports).
 * Expected failures are written as <skipped type="xfail">, as pytest's junitxml does: every consumer already
 * shows skipped tests with their message, the run stays green, and a known bug never reads as a pass.
 * Unexpected passes are <failure type="unexpected-pass">, so the stale entry gets attention.
 */
import { posix } from 'node:path';
import type { RunResult, TestRecord } from './results';
import { countsPhrase } from './results';
import { firstLine } from './transcript';

export interface JUnitOptions {
  /** How a transcript path is shown, e.g. 'knockknock-report' → knockknock-report/transcripts/x.txt. */
  reportDirForDisplay: string;
}

export function renderJUnit(run: RunResult, { reportDirForDisplay }: JUnitOptions): string {
  const groups = new Map<string, TestRecord[]>();
  for (const record of run.records) {
    const suite = record.suitePath[0] ?? record.file ?? 'knockknock';
    groups.set(suite, [...(groups.get(suite) ?? []), record]);
  }
  const { summary } = run;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // The counts in the words of the other reports: JUnit itself only knows failures, errors and skipped.
    `<!-- knockknock: ${text(countsPhrase(summary, { all: true })).replace(/--/g, '- -')}; failures = failed + unexpected passes, skipped = expected failures + not claimed + skipped -->`,
    `<testsuites name="knockknock" tests="${summary.total}" failures="${summary.runFailures}" errors="0" skipped="${summary.skipped + summary.notClaimed + summary.xfail}" time="${seconds(run.endedAt - run.startedAt)}" timestamp="${new Date(run.startedAt).toISOString()}">`,
  ];
  for (const [suiteName, records] of groups) {
    const failures = records.filter((r) => r.outcome === 'failed' || r.outcome === 'unexpected-pass').length;
    const skipped = records.filter((r) => r.outcome === 'skipped' || r.outcome === 'not-claimed' || r.outcome === 'xfail').length;
    const time = records.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
    lines.push(
      `  <testsuite name="${attr(suiteName)}" tests="${records.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}"${records[0].file ? ` file="${attr(records[0].file)}"` : ''}>`,
    );
    for (const record of records) lines.push(...renderTestcase(record, reportDirForDisplay));
    lines.push('  </testsuite>');
  }
  if (run.runWarnings.length > 0) {
    lines.push(`  <system-out>${text(run.runWarnings.map((w) => `WARNING ${w.message}`).join('\n'))}</system-out>`);
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function renderTestcase(record: TestRecord, reportDir: string): string[] {
  const classname = record.suitePath.join(' / ') || 'knockknock';
  const open = `    <testcase classname="${attr(classname)}" name="${attr(record.title)}" time="${seconds(record.durationMs ?? 0)}"${record.file ? ` file="${attr(record.file)}"` : ''}>`;
  const body: string[] = [];
  const transcript = record.transcript ? `Transcript: ${posix.join(reportDir, record.transcript)}` : undefined;
  const out: string[] = [];
  switch (record.outcome) {
    case 'failed': {
      const error = record.error;
      const details = [error?.stack ?? error?.message ?? 'failed', transcript].filter(Boolean).join('\n\n');
      body.push(`      <failure message="${attr(firstLine(error?.message ?? 'failed'))}" type="${attr(error?.code ?? 'Error')}">${text(details)}</failure>`);
      break;
    }
    case 'unexpected-pass': {
      const expected = record.expectedFailure;
      body.push(`      <failure message="${attr(`unexpected pass: passed, but listed as an expected failure: ${expected?.reason ?? ''} (${expected?.link ?? ''})`)}" type="unexpected-pass">${text('Remove the entry from the expected-failures file if the bug is fixed.')}</failure>`);
      break;
    }
    case 'xfail': {
      const expected = record.expectedFailure;
      body.push(`      <skipped message="${attr(`expected failure: ${expected?.reason ?? ''} (${expected?.link ?? ''})`)}" type="xfail"/>`);
      out.push(`Expected failure: ${expected?.reason} ${expected?.link}`, `Failed with: ${record.error?.message ?? ''}`);
      if (transcript) out.push(transcript);
      break;
    }
    case 'skipped':
      body.push('      <skipped message="skipped" type="skipped"/>');
      break;
    case 'not-claimed':
      body.push(`      <skipped message="${attr(`not claimed: ${record.warnings.find((w) => w.notClaimed)?.message ?? ''}`)}" type="not-claimed"/>`);
      break;
    case 'passed':
      break;
  }
  for (const warning of record.warnings) out.push(`${warning.notClaimed ? 'NOT CLAIMED' : 'WARNING'} ${warning.message}`);
  if (out.length > 0) body.push(`      <system-out>${text(out.join('\n'))}</system-out>`);
  return body.length === 0 ? [open.replace(/>$/, '/>')] : [open, ...body, '    </testcase>'];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// XML 1.0 forbids most control characters even when escaped.
function clean(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
