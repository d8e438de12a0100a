/**
 * Expected failures (fixtures/expected-failures/<impl>.json): test full title → { reason, link, failure? }.
 * A key without the trailing room-version tag (` [v7]`) names the test at every room version, or at those of
 * `roomVersions`; an entry for one exact title wins over it.
 * Listed tests still run. A listed failure is an xfail; a listed pass is an unexpected pass and fails the run.
 * `failure`, a regular expression, pins down how the test is known to fail: a listed test that fails in another
 * way (a new bug behind a known one) is an ordinary failure.
 * A key `clause:<id>` names every test citing that catalogue clause (at `roomVersions`, when given): it must pin the
 * failure down with `failure`, covers only failures (the clause's passing tests stay passes), and is stale when no
 * test failed that way.
 */
import { readFileSync } from 'node:fs';
import { inVersionRange, isSpecVersion, type SpecVersion } from '../core/spec-versions';
import { findSpecClause } from './spec-clauses';
import { parseTitleTags, withoutVersionTags } from './test-id';

export interface ExpectedFailure {
  reason: string;
  link: string;
  /** Regular expression the failure message must match for the failure to count as the known one. */
  failure?: string;
  /** Spec releases the deviation is one at: from `since` (inclusive) to `until` (exclusive); all when absent. */
  since?: string;
  until?: string;
  /** For a key without its room-version tag: the room versions it is a deviation in (all when absent). */
  roomVersions?: string[];
  /** Set for a `clause:<id>` key: the clause whose failing tests the entry covers. */
  clause?: string;
}

export const CLAUSE_KEY_PREFIX = 'clause:';

export type ExpectedFailures = ReadonlyMap<string, ExpectedFailure>;

export type MochaState = 'passed' | 'failed' | 'pending';
/** not-claimed: the test's rules are outside the judged spec version (skipped, with the reason as a note). */
export type Outcome = 'passed' | 'failed' | 'xfail' | 'unexpected-pass' | 'skipped' | 'not-claimed';

/** The mocha state an outcome comes from (an expected failure failed, a not-claimed test was skipped). */
export const MOCHA_STATE_OF: Record<Outcome, MochaState> = {
  passed: 'passed',
  'unexpected-pass': 'passed',
  failed: 'failed',
  xfail: 'failed',
  skipped: 'pending',
  'not-claimed': 'pending',
};

export class ExpectedFailuresFileError extends Error {
  readonly code = 'KK_BAD_EXPECTED_FAILURES';
}

/** The entries of `file`; with a judged spec version, only those that are deviations at that version. */
export function loadExpectedFailures(file: string, specVersion?: string): ExpectedFailures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExpectedFailuresFileError(`expected-failures file ${file}: cannot read it (${(error as Error).message})`);
  }
  const all = parseExpectedFailures(text, file);
  if (specVersion === undefined) return all;
  return new Map(
    [...all].filter(([, e]) =>
      inVersionRange(specVersion, { since: (e.since ?? '1.1') as SpecVersion, ...(e.until ? { until: e.until as SpecVersion } : {}) }),
    ),
  );
}

export function parseExpectedFailures(text: string, file = '<inline>'): ExpectedFailures {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ExpectedFailuresFileError(`expected-failures file ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ExpectedFailuresFileError(`expected-failures file ${file}: want an object mapping test full title to { "reason", "link" }`);
  }
  const entries = new Map<string, ExpectedFailure>();
  for (const [title, entry] of Object.entries(data)) {
    const where = `expected-failures file ${file}, entry ${JSON.stringify(title)}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ExpectedFailuresFileError(`${where}: want { "reason": string, "link": URL }`);
    }
    const { reason, link, failure, since, until, roomVersions, ...extra } = entry as Record<string, unknown>;
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ExpectedFailuresFileError(`${where}: "reason" must be a non-empty string`);
    }
    if (typeof link !== 'string' || !URL.canParse(link)) {
      throw new ExpectedFailuresFileError(`${where}: "link" must be a URL (issue or PR that tracks it)`);
    }
    if (failure !== undefined && (typeof failure !== 'string' || !isRegExp(failure))) {
      throw new ExpectedFailuresFileError(`${where}: "failure" must be a regular expression matching the known failure message`);
    }
    for (const [key, value] of Object.entries({ since, until })) {
      if (value !== undefined && (typeof value !== 'string' || !isSpecVersion(value))) {
        throw new ExpectedFailuresFileError(`${where}: "${key}" must be a spec version such as "1.16"`);
      }
    }
    if (
      roomVersions !== undefined &&
      (!Array.isArray(roomVersions) || roomVersions.some((v) => typeof v !== 'string' || !/^\d+$/.test(v)))
    ) {
      throw new ExpectedFailuresFileError(`${where}: "roomVersions" must be a list of room versions such as ["7", "8"]`);
    }
    const clause = title.startsWith(CLAUSE_KEY_PREFIX) ? title.slice(CLAUSE_KEY_PREFIX.length) : undefined;
    if (clause !== undefined && !findSpecClause(clause)) {
      throw new ExpectedFailuresFileError(`${where}: no clause "${clause}" in the catalogue (\`knockknock list\` shows them)`);
    }
    if (clause !== undefined && failure === undefined) {
      throw new ExpectedFailuresFileError(`${where}: a clause entry must say with "failure" how its tests are known to fail`);
    }
    if (roomVersions !== undefined && parseTitleTags(title).roomVersions.length > 0) {
      throw new ExpectedFailuresFileError(`${where}: "roomVersions" goes with a title without its [vN] tag`);
    }
    const extraKeys = Object.keys(extra);
    if (extraKeys.length > 0) {
      throw new ExpectedFailuresFileError(
        `${where}: unknown key(s) ${extraKeys.join(', ')} (only "reason", "link", "failure", "since", "until" and "roomVersions")`,
      );
    }
    entries.set(title, {
      reason,
      link,
      ...(failure !== undefined ? { failure: failure as string } : {}),
      ...(since !== undefined ? { since: since as string } : {}),
      ...(until !== undefined ? { until: until as string } : {}),
      ...(roomVersions !== undefined ? { roomVersions: roomVersions as string[] } : {}),
      ...(clause !== undefined ? { clause } : {}),
    });
  }
  return entries;
}

/**
 * The entry for a test: its exact title, else its title without the room-version tags, else a clause it cites
 * (the last two only if the entry lists the test's room versions, or none).
 */
export function expectedFailureFor(entries: ExpectedFailures, fullTitle: string): { key: string; entry: ExpectedFailure } | undefined {
  const exact = entries.get(fullTitle);
  if (exact) return { key: fullTitle, entry: exact };
  const { roomVersions: versions, clauses } = parseTitleTags(fullTitle);
  const atVersions = (entry: ExpectedFailure | undefined) =>
    entry !== undefined && (!entry.roomVersions || versions.every((v) => entry.roomVersions!.includes(v)));
  const key = withoutVersionTags(fullTitle);
  const entry = versions.length > 0 ? entries.get(key) : undefined;
  if (atVersions(entry)) return { key, entry: entry! };
  for (const clause of clauses) {
    const clauseKey = `${CLAUSE_KEY_PREFIX}${clause}`;
    const byClause = entries.get(clauseKey);
    if (atVersions(byClause)) return { key: clauseKey, entry: byClause! };
  }
  return undefined;
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** True when a failure message is the known failure of the entry (any failure, when it pins none down). */
export function isKnownFailure(expected: ExpectedFailure, message: string | undefined): boolean {
  return expected.failure === undefined || new RegExp(expected.failure).test(message ?? '');
}

export function classifyOutcome(state: MochaState, expected: ExpectedFailure | undefined, failureMessage?: string): Outcome {
  if (state === 'pending') return 'skipped';
  if (expected === undefined) return state;
  if (state === 'passed') return expected.clause === undefined ? 'unexpected-pass' : 'passed';
  return isKnownFailure(expected, failureMessage) ? 'xfail' : 'failed';
}

/** Outcomes that fail the run. */
export function isRunFailure(outcome: Outcome): boolean {
  return outcome === 'failed' || outcome === 'unexpected-pass';
}
