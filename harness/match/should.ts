/**
 * SHOULD-level checks: the same as must, but a mismatch records a warning on the running test instead of
 * failing it. Each returns true when the check held, so a test can branch on it.
 */
import { isDeepStrictEqual } from 'node:util';
import { allMismatches } from './match';
import type { JsonMatcher, MatchableResponse } from './match';
import { jsonViolationMessage, responseMismatches, violationMessage } from './expectation';
import type { ResponseExpectation } from './expectation';
import { renderValue } from './render';
import { publishWarning } from './warning-channel';

export function matchResponse(response: MatchableResponse, expectation: ResponseExpectation, rule: string): boolean {
  const mismatches = responseMismatches(response, expectation);
  if (mismatches.length === 0) return true;
  publishWarning({ rule, message: violationMessage(rule, response, mismatches) });
  return false;
}

export function matchJson(value: unknown, matchers: JsonMatcher[], rule: string): boolean {
  const mismatches = allMismatches(matchers, value);
  if (mismatches.length === 0) return true;
  publishWarning({ rule, message: jsonViolationMessage(rule, value, mismatches) });
  return false;
}

export function equal<T>(actual: T, expected: T, rule: string): boolean {
  if (isDeepStrictEqual(actual, expected)) return true;
  publishWarning({ rule, message: `${rule}: want ${renderValue(expected)}, got ${renderValue(actual)}` });
  return false;
}

export function ok(condition: unknown, rule: string, detail?: string): boolean {
  if (condition) return true;
  publishWarning({ rule, message: detail ? `${rule}: ${detail}` : rule });
  return false;
}
