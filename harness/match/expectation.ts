/** What a response is expected to look like, and the message when it does not. Shared by must and should. */
import { allMismatches, body as bodyMatcher, errcode as errcodeMatcher, responseErrcode, status as statusMatcher } from './match';
import type { JsonMatcher, MatchableResponse, ResponseMatcher } from './match';
import { renderValue } from './render';

export interface ResponseExpectation {
  status: number | number[];
  errcode?: string;
  /** Matchers on the parsed body (all are checked; every mismatch is listed). */
  body?: JsonMatcher[];
  /** Any other response-level checks (headers, …). */
  checks?: ResponseMatcher[];
}

export function responseMismatches(response: MatchableResponse, expectation: ResponseExpectation): string[] {
  const statuses = Array.isArray(expectation.status) ? expectation.status : [expectation.status];
  const matchers: ResponseMatcher[] = [statusMatcher(...statuses)];
  if (expectation.errcode !== undefined) matchers.push(errcodeMatcher(expectation.errcode));
  for (const matcher of expectation.body ?? []) matchers.push(bodyMatcher(matcher));
  matchers.push(...(expectation.checks ?? []));
  return allMismatches(matchers, response);
}

/** `<rule>: got 403 M_FORBIDDEN {"errcode":…}` then one indented line per mismatch. */
export function violationMessage(rule: string, response: MatchableResponse, mismatches: string[]): string {
  const code = responseErrcode(response);
  const got = `got ${response.status}${code ? ` ${code}` : ''} ${renderValue(response.body, 500)}`;
  return [`${rule}: ${got}`, ...mismatches.map((m) => `  - ${m}`)].join('\n');
}

export function jsonViolationMessage(rule: string, value: unknown, mismatches: string[]): string {
  return [`${rule}: got ${renderValue(value, 500)}`, ...mismatches.map((m) => `  - ${m}`)].join('\n');
}
