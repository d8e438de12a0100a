/** MUST-level checks: a mismatch fails the test with a message that starts with the spec rule. */
import { isDeepStrictEqual } from 'node:util';
import { allMismatches } from './match';
import type { JsonMatcher, MatchableResponse } from './match';
import { jsonViolationMessage, responseMismatches, violationMessage } from './expectation';
import type { ResponseExpectation } from './expectation';
import { renderValue } from './render';
import { SpecAssertionError } from './spec-assertion-error';

export function matchResponse(response: MatchableResponse, expectation: ResponseExpectation, rule: string): void {
  const mismatches = responseMismatches(response, expectation);
  if (mismatches.length > 0) throw new SpecAssertionError(rule, violationMessage(rule, response, mismatches));
}

/** Checks any JSON value (an event, a sync section) against matchers. */
export function matchJson(value: unknown, matchers: JsonMatcher[], rule: string): void {
  const mismatches = allMismatches(matchers, value);
  if (mismatches.length > 0) throw new SpecAssertionError(rule, jsonViolationMessage(rule, value, mismatches));
}

export function equal<T>(actual: T, expected: T, rule: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new SpecAssertionError(rule, `${rule}: want ${renderValue(expected)}, got ${renderValue(actual)}`, actual, expected);
  }
}

export function ok(condition: unknown, rule: string, detail?: string): asserts condition {
  if (!condition) throw new SpecAssertionError(rule, detail ? `${rule}: ${detail}` : rule);
}

export function fail(rule: string, detail: string): never {
  throw new SpecAssertionError(rule, `${rule}: ${detail}`);
}
