/**
 * SHOULD-level checks: the same as must, but a mismatch records a warning on the running test instead of
 * failing it. Each returns true when the check held, so a test can branch on it. A check whose clause the
 * judged spec version does not have records nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { allMismatches } from './match';
import type { JsonMatcher, MatchableResponse } from './match';
import { jsonViolationMessage, responseMismatches, violationMessage } from './expectation';
import type { ResponseExpectation } from './expectation';
import { renderValue } from './render';
import { citation, clauseId, isClaimed, ruleText, type ShouldRule } from './rule';
import { publishWarning } from './warning-channel';

function warn(rule: ShouldRule, message: string): false {
  if (isClaimed(rule))
    publishWarning({ rule: ruleText(rule), message: `${message}${citation(rule)}`, ...(clauseId(rule) ? { clause: clauseId(rule) } : {}) });
  return false;
}

export function matchResponse(response: MatchableResponse, expectation: ResponseExpectation, rule: ShouldRule): boolean {
  const mismatches = responseMismatches(response, expectation);
  return mismatches.length === 0 || warn(rule, violationMessage(ruleText(rule), response, mismatches));
}

export function matchJson(value: unknown, matchers: JsonMatcher[], rule: ShouldRule): boolean {
  const mismatches = allMismatches(matchers, value);
  return mismatches.length === 0 || warn(rule, jsonViolationMessage(ruleText(rule), value, mismatches));
}

export function equal<T>(actual: T, expected: T, rule: ShouldRule): boolean {
  return isDeepStrictEqual(actual, expected) || warn(rule, `${ruleText(rule)}: want ${renderValue(expected)}, got ${renderValue(actual)}`);
}

export function ok(condition: unknown, rule: ShouldRule, detail?: string): boolean {
  return Boolean(condition) || warn(rule, detail ? `${ruleText(rule)}: ${detail}` : ruleText(rule));
}
