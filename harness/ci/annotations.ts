/**
 * GitHub Actions annotations from a run's report.json (the Action's annotate step, scripts/annotate.js): one
 * `::error` per unexpected failure or unexpected pass, with the assertion and where its transcript is, and a
 * `::warning` summing up stale expected-failure entries (full runs only). GitHub shows at most 10 errors per step, so past `max` the rest
 * are summed up in one `::notice` (summary.md lists them all).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** The parts of report.json (harness/report/json-report.ts) this reads; unknown fields are ignored. */
export interface ReportForAnnotations {
  specVersion?: string | null;
  /** Set when the run was filtered: stale expected failures are then not a finding. */
  filtered?: boolean;
  summary?: { runFailures?: number };
  staleExpectedFailures?: string[];
  tests?: Array<{
    fullTitle: string;
    file?: string | null;
    status: string;
    error?: { message?: string | null } | null;
    failedHook?: string | null;
    expectedFailure?: { reason?: string } | null;
    transcript?: string | null;
  }>;
}

export interface AnnotationOptions {
  /** Where the report lives, as the reader of the job sees it (e.g. knockknock-report; the artifact's name). */
  reportDir?: string;
  /** $GITHUB_WORKSPACE: a test file inside it gets a file= link. */
  workspace?: string;
  /** Error annotations at most (GitHub shows 10 per step). */
  max?: number;
}

const MESSAGE_LIMIT = 2_000;

/** Workflow-command escaping (as @actions/core does): the message, and property values. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: 'error' | 'warning' | 'notice', properties: Record<string, string | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${kind}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

export function annotationsFromReport(report: ReportForAnnotations, options: AnnotationOptions = {}): string[] {
  const max = options.max ?? 10;
  const reportDir = options.reportDir ?? 'knockknock-report';
  const judged = report.specVersion ? ` (judged against Matrix spec v${report.specVersion})` : '';
  const failing = (report.tests ?? []).filter((t) => t.status === 'failed' || t.status === 'unexpected-pass');
  const lines: string[] = [];
  for (const test of failing.slice(0, max)) {
    const file = test.file && options.workspace && isAbsolute(test.file) ? relative(options.workspace, test.file) : undefined;
    const inWorkspace = file !== undefined && !file.startsWith('..') && !isAbsolute(file);
    let message: string;
    if (test.status === 'unexpected-pass') {
      message =
        `Listed as an expected failure${test.expectedFailure?.reason ? ` (${test.expectedFailure.reason})` : ''} but passed${judged}: ` +
        'remove it from the expected-failures file.';
    } else {
      const hook = test.failedHook ? ` in ${test.failedHook}` : '';
      message = `Failed${hook}${judged}: ${clip(test.error?.message?.trim() || 'no error message', MESSAGE_LIMIT)}`;
      if (test.transcript) message += `\nTranscript: ${reportDir}/${test.transcript} (in the uploaded report)`;
    }
    lines.push(command('error', { title: clip(test.fullTitle, 250), file: inWorkspace ? file : undefined }, message));
  }
  if (failing.length > max) {
    lines.push(
      command(
        'notice',
        { title: `knockknock: ${failing.length - max} more unexpected results` },
        `${failing.length} tests in all did not go as expected; ${reportDir}/summary.md lists every one.`,
      ),
    );
  }
  // A filtered run (--spec, --grep, --room-version) leaves most entries unmatched: only a full run can tell.
  const stale = report.filtered ? [] : (report.staleExpectedFailures ?? []);
  if (stale.length) {
    const one = stale.length === 1;
    const titles = `${stale
      .slice(0, 3)
      .map((t) => `"${clip(t, 200)}"`)
      .join(', ')}${stale.length > 3 ? ', …' : ''}`;
    const message = `${stale.length} expected-failure ${one ? 'entry matches' : 'entries match'} no test of this run: rename or remove ${one ? 'it' : 'them'} (${titles}).`;
    lines.push(command('warning', { title: `knockknock: ${stale.length} stale expected failure${one ? '' : 's'}` }, message));
  }
  return lines;
}

/** `annotate REPORT_JSON [REPORT_DIR_LABEL]`: prints the annotations; a missing report prints nothing. */
export function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): number {
  const [file, label] = argv;
  if (!file) {
    err('usage: annotate REPORT_JSON [REPORT_DIR_LABEL]');
    return 2;
  }
  let report: ReportForAnnotations;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as ReportForAnnotations;
  } catch (error) {
    err(`annotate: no report to annotate (${(error as Error).message.split('\n')[0]})`);
    return 0;
  }
  for (const line of annotationsFromReport(report, { reportDir: label, workspace: env.GITHUB_WORKSPACE })) out(line);
  return 0;
}
