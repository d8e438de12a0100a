/**
 * JUnit XML for CI test views (GitHub test-reporter actions, GitLab unit test reports).
 * Expected failures are written as <skipped type="xfail">, as pytest's junitxml does: every consumer already
 * shows skipped tests with their message, the run stays green, and a known bug never reads as a pass.
 * Unexpected passes are <failure type="unexpected-pass">, so the stale entry gets attention. A failure of the
 * infrastructure (network error against the HSUT, a hook that threw) is an <error>: no verdict on the HSUT.
 * file= is relative to the repository root, line= the failing line of the test's file where the stack names it.
 */
import type { RunResult, TestRecord } from './results';
import { failureLine, repositoryPath } from './source-location';
import { countsPhrase, isInfrastructureFailure } from './results';
import { firstLine } from './transcript';

export { failureLine, repositoryPath } from './source-location';

export interface JUnitOptions {
  /** Test files are named relative to this directory (the repository root); default: the working directory. */
  rootDir?: string;
}

export function renderJUnit(run: RunResult, options: JUnitOptions = {}): string {
  const rootDir = options.rootDir ?? process.cwd();
  const groups = new Map<string, TestRecord[]>();
  for (const record of run.records) {
    const suite = record.suitePath[0] ?? record.file ?? 'knockknock';
    groups.set(suite, [...(groups.get(suite) ?? []), record]);
  }
  const { summary } = run;
  const errors = summary.infrastructureErrors;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // The counts in the words of the other reports: JUnit itself only knows failures, errors and skipped.
    `<!-- knockknock: ${text(countsPhrase(summary, { all: true })).replace(/--/g, '- -')}; failures = failed + unexpected passes - errors, errors = failed of the infrastructure (network errors, hooks), skipped = expected failures + not claimed + skipped -->`,
    `<testsuites name="knockknock" tests="${summary.total}" failures="${summary.runFailures - errors}" errors="${errors}" skipped="${summary.skipped + summary.notClaimed + summary.xfail}" time="${seconds(run.endedAt - run.startedAt)}" timestamp="${new Date(run.startedAt).toISOString()}">`,
  ];
  for (const [suiteName, records] of groups) {
    const suiteErrors = records.filter(isInfrastructureFailure).length;
    const failures = records.filter((r) => r.outcome === 'failed' || r.outcome === 'unexpected-pass').length - suiteErrors;
    const skipped = records.filter((r) => r.outcome === 'skipped' || r.outcome === 'not-claimed' || r.outcome === 'xfail').length;
    const time = records.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
    const file = records[0].file ? ` file="${attr(repositoryPath(records[0].file, rootDir))}"` : '';
    lines.push(
      `  <testsuite name="${attr(suiteName)}" tests="${records.length}" failures="${failures}" errors="${suiteErrors}" skipped="${skipped}" time="${seconds(time)}"${file}>`,
    );
    for (const record of records) lines.push(...renderTestcase(record, rootDir));
    lines.push('  </testsuite>');
  }
  if (run.runWarnings.length > 0) {
    lines.push(`  <system-out>${text(run.runWarnings.map((w) => `WARNING ${w.message}`).join('\n'))}</system-out>`);
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function renderTestcase(record: TestRecord, rootDir: string): string[] {
  const classname = record.suitePath.join(' / ') || 'knockknock';
  const line = failureLine(record, rootDir);
  const file = record.file ? ` file="${attr(repositoryPath(record.file, rootDir))}"${line ? ` line="${line}"` : ''}` : '';
  const open = `    <testcase classname="${attr(classname)}" name="${attr(record.title)}" time="${seconds(record.durationMs ?? 0)}"${file}>`;
  const body: string[] = [];
  // summary.md's links are relative to the report directory too: junit.xml sits in it.
  const transcript = record.transcript ? `Transcript: ${record.transcript} (in the report directory)` : undefined;
  const out: string[] = [];
  switch (record.outcome) {
    case 'failed': {
      const error = record.error;
      const details = [error?.stack ?? error?.message ?? 'failed', transcript].filter(Boolean).join('\n\n');
      const element = isInfrastructureFailure(record) ? 'error' : 'failure';
      const hook = record.failedHook ? ` (in ${record.failedHook})` : '';
      body.push(
        `      <${element} message="${attr(firstLine(error?.message ?? 'failed') + hook)}" type="${attr(error?.code ?? 'Error')}">${text(details)}</${element}>`,
      );
      break;
    }
    case 'unexpected-pass': {
      const expected = record.expectedFailure;
      body.push(
        `      <failure message="${attr(`unexpected pass: passed, but listed as an expected failure: ${expected?.reason ?? ''} (${expected?.link ?? ''})`)}" type="unexpected-pass">${text('Remove the entry from the expected-failures file if the bug is fixed.')}</failure>`,
      );
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
      body.push(
        `      <skipped message="${attr(`not claimed: ${record.warnings.find((w) => w.notClaimed)?.message ?? ''}`)}" type="not-claimed"/>`,
      );
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
