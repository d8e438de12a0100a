/** Unit-test helpers: TestRecords and RunResults as the collector builds them, without running mocha. */
import { MOCHA_STATE_OF, type Outcome } from './expected-failures';
import type { RunResult, TestRecord } from './results';
import { summarize } from './results';
import { logicalTestId, parseTitleTags, testIdFromTitle } from './test-id';

let clock = 1_700_000_000_000;

/** A record of `title` (own title, with its tags) in a describe named `suite`. */
export function record(suite: string, title: string, outcome: Outcome, extra: Partial<TestRecord> = {}): TestRecord {
  const fullTitle = `${suite} ${title}`;
  const tags = parseTitleTags(fullTitle);
  const startedAt = (clock += 1000);
  return {
    id: testIdFromTitle(fullTitle),
    logicalId: logicalTestId(fullTitle),
    title,
    fullTitle,
    suitePath: [suite],
    file: `${process.cwd()}/suites/example.test.ts`,
    clauses: tags.clauses,
    ...(tags.roomVersions[0] !== undefined ? { roomVersion: tags.roomVersions[0] } : {}),
    state: MOCHA_STATE_OF[outcome],
    outcome,
    durationMs: 120,
    startedAt,
    endedAt: startedAt + 120,
    warnings: [],
    ...(outcome === 'failed' || outcome === 'xfail' ? { transcript: `transcripts/${testIdFromTitle(fullTitle)}.txt` } : {}),
    ...extra,
  };
}

/** One record per room version: `title` gets the ` [vN]` tag. */
export function acrossVersions(
  versions: readonly string[],
  suite: string,
  title: string,
  outcome: Outcome,
  extra: (version: string) => Partial<TestRecord> = () => ({}),
): TestRecord[] {
  return versions.map((v) => record(suite, `${title} [v${v}]`, outcome, extra(v)));
}

export function runOf(records: TestRecord[], extra: Partial<RunResult> = {}): RunResult {
  return {
    startedAt: records[0]?.startedAt ?? clock,
    endedAt: (records.at(-1)?.endedAt ?? clock) + 10,
    records,
    summary: summarize(records),
    runWarnings: [],
    staleExpectedFailures: [],
    unknownClauses: [],
    filtered: false,
    ...extra,
  };
}
