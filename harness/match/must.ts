/** MUST-level checks: a mismatch fails the test with a message that starts with the spec rule. */
import { isDeepStrictEqual } from 'node:util';
import { allMismatches } from './match';
import type { JsonMatcher, MatchableResponse } from './match';
import { jsonViolationMessage, responseMismatches, violationMessage } from './expectation';
import type { ResponseExpectation } from './expectation';
import { renderValue } from './render';
import { citation, clauseId, isClaimed, notClaimed, ruleText, type MustRule } from './rule';
import { SpecAssertionError } from './spec-assertion-error';

function violation(rule: MustRule, message: string, actual?: unknown, expected?: unknown): never {
  if (rule.kind === 'clause' && !isClaimed(rule)) notClaimed(rule, message);
  throw new SpecAssertionError(ruleText(rule), `${message}${citation(rule)}`, actual, expected, clauseId(rule));
}

export function matchResponse(response: MatchableResponse, expectation: ResponseExpectation, rule: MustRule): void {
  const mismatches = responseMismatches(response, expectation);
  if (mismatches.length > 0) violation(rule, violationMessage(ruleText(rule), response, mismatches));
}

/** Checks any JSON value (an event, a sync section) against matchers. */
export function matchJson(value: unknown, matchers: JsonMatcher[], rule: MustRule): void {
  const mismatches = allMismatches(matchers, value);
  if (mismatches.length > 0) violation(rule, jsonViolationMessage(ruleText(rule), value, mismatches));
}

export function equal<T>(actual: T, expected: T, rule: MustRule): void {
  if (!isDeepStrictEqual(actual, expected)) {
    violation(rule, `${ruleText(rule)}: want ${renderValue(expected)}, got ${renderValue(actual)}`, actual, expected);
  }
}

export function ok(condition: unknown, rule: MustRule, detail?: string): asserts condition {
  if (!condition) violation(rule, detail ? `${ruleText(rule)}: ${detail}` : ruleText(rule));
}

export function fail(rule: MustRule, detail: string): never {
  violation(rule, `${ruleText(rule)}: ${detail}`);
}
