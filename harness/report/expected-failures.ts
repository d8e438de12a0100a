/**
 * Expected failures (fixtures/expected-failures/<impl>.json): test full title → { reason, link }.
 * Listed tests still run. A listed failure is an xfail; a listed pass is an unexpected pass and fails the run.
 */
import { readFileSync } from 'node:fs';

export interface ExpectedFailure {
  reason: string;
  link: string;
}

export type ExpectedFailures = ReadonlyMap<string, ExpectedFailure>;

export type MochaState = 'passed' | 'failed' | 'pending';
export type Outcome = 'passed' | 'failed' | 'xfail' | 'unexpected-pass' | 'skipped';

export class ExpectedFailuresFileError extends Error {
  readonly code = 'KK_BAD_EXPECTED_FAILURES';
}

export function loadExpectedFailures(file: string): ExpectedFailures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExpectedFailuresFileError(`expected-failures file ${file}: cannot read it (${(error as Error).message})`);
  }
  return parseExpectedFailures(text, file);
}

export function parseExpectedFailures(text: string, file = '<inline>'): ExpectedFailures {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ExpectedFailuresFileError(`expected-failures file ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ExpectedFailuresFileError(
      `expected-failures file ${file}: want an object mapping test full title to { "reason", "link" }`,
    );
  }
  const entries = new Map<string, ExpectedFailure>();
  for (const [title, entry] of Object.entries(data)) {
    const where = `expected-failures file ${file}, entry ${JSON.stringify(title)}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ExpectedFailuresFileError(`${where}: want { "reason": string, "link": URL }`);
    }
    const { reason, link, ...extra } = entry as Record<string, unknown>;
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ExpectedFailuresFileError(`${where}: "reason" must be a non-empty string`);
    }
    if (typeof link !== 'string' || !URL.canParse(link)) {
      throw new ExpectedFailuresFileError(`${where}: "link" must be a URL (issue or PR that tracks it)`);
    }
    const extraKeys = Object.keys(extra);
    if (extraKeys.length > 0) {
      throw new ExpectedFailuresFileError(`${where}: unknown key(s) ${extraKeys.join(', ')} (only "reason" and "link")`);
    }
    entries.set(title, { reason, link });
  }
  return entries;
}

export function classifyOutcome(state: MochaState, expected: ExpectedFailure | undefined): Outcome {
  if (state === 'pending') return 'skipped';
  if (expected === undefined) return state;
  return state === 'failed' ? 'xfail' : 'unexpected-pass';
}

/** Outcomes that fail the run. */
export function isRunFailure(outcome: Outcome): boolean {
  return outcome === 'failed' || outcome === 'unexpected-pass';
}
