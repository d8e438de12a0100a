/**
 * Matchers in the style of Complement's match/json.go: plain functions that return an error message, or
 * undefined when the value matches. `must` turns a message into a failed test, `should` into a warning.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject, lookupJsonPath } from './json-path';
import { jsonTypeOf, renderValue } from './render';

/** Structurally the RawResponse of harness/clients (kept local so match/ depends on nothing). */
export interface MatchableResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  errcode?: string;
  error?: string;
}

/** Checks a JSON value (a response body, an event, a sync section). */
export type JsonMatcher = (value: unknown) => string | undefined;
/** Checks a whole response (status, headers, body). */
export type ResponseMatcher = (response: MatchableResponse) => string | undefined;

/** A predicate with a description, for array matchers: its description names what was looked for. */
export interface DescribedPredicate {
  (item: unknown): boolean;
  description: string;
}

export function status(...wanted: number[]): ResponseMatcher {
  return (response) => (wanted.includes(response.status) ? undefined : `status: want ${wanted.join(' or ')}, got ${response.status}`);
}

export function errcode(wanted: string): ResponseMatcher {
  return (response) => {
    const got = responseErrcode(response);
    return got === wanted ? undefined : `errcode: want ${wanted}, got ${got ?? 'none'}`;
  };
}

export function header(name: string, wanted: string | RegExp): ResponseMatcher {
  return (response) => {
    const got = findHeader(response.headers, name);
    if (got === undefined) return `header ${name}: missing`;
    const ok = typeof wanted === 'string' ? got === wanted : wanted.test(got);
    return ok ? undefined : `header ${name}: want ${String(wanted)}, got ${renderValue(got)}`;
  };
}

/** Lifts JSON matchers onto the response body. */
export function body(...matchers: JsonMatcher[]): ResponseMatcher {
  return (response) => firstMismatch(matchers, response.body);
}

export function jsonKeyEqual(path: string, wanted: unknown): JsonMatcher {
  return (value) => {
    const lookup = lookupJsonPath(value, path);
    if (!lookup.found) return `${path}: missing (want ${renderValue(wanted)})`;
    return isDeepStrictEqual(lookup.value, wanted) ? undefined : `${path}: want ${renderValue(wanted)}, got ${renderValue(lookup.value)}`;
  };
}

export function jsonKeyPresent(path: string): JsonMatcher {
  return (value) => {
    const lookup = lookupJsonPath(value, path);
    return lookup.found ? undefined : `${path}: missing (first missing key: ${lookup.missingAt})`;
  };
}

export function jsonKeyAbsent(path: string): JsonMatcher {
  return (value) => {
    const lookup = lookupJsonPath(value, path);
    return lookup.found ? `${path}: want absent, got ${renderValue(lookup.value)}` : undefined;
  };
}

export function jsonKeyTypeOf(path: string, wantedType: 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null'): JsonMatcher {
  return (value) => {
    const lookup = lookupJsonPath(value, path);
    if (!lookup.found) return `${path}: missing (want a ${wantedType})`;
    const got = jsonTypeOf(lookup.value);
    return got === wantedType ? undefined : `${path}: want a ${wantedType}, got ${got} ${renderValue(lookup.value, 80)}`;
  };
}

export function jsonKeyMatches(path: string, pattern: RegExp): JsonMatcher {
  return (value) => {
    const lookup = lookupJsonPath(value, path);
    if (!lookup.found) return `${path}: missing (want a string matching ${pattern})`;
    return typeof lookup.value === 'string' && pattern.test(lookup.value)
      ? undefined
      : `${path}: want a string matching ${pattern}, got ${renderValue(lookup.value, 120)}`;
  };
}

/** Runs matchers on the value at `path`; their messages are prefixed with the path. */
export function atKey(path: string, ...matchers: JsonMatcher[]): JsonMatcher {
  return (value) => {
    const lookup = lookupJsonPath(value, path);
    if (!lookup.found) return `${path}: missing`;
    const mismatch = firstMismatch(matchers, lookup.value);
    return mismatch === undefined ? undefined : `${path}: ${mismatch}`;
  };
}

export function arrayContains(predicate: DescribedPredicate | ((item: unknown) => boolean), description?: string): JsonMatcher {
  const wanted = description ?? (predicate as Partial<DescribedPredicate>).description ?? 'a matching item';
  return (value) => {
    if (!Array.isArray(value)) return `want an array containing ${wanted}, got ${jsonTypeOf(value)}`;
    return value.some((item) => predicate(item))
      ? undefined
      : `want an array containing ${wanted}, got ${value.length} items: ${renderValue(value, 400)}`;
  };
}

export function arrayEach(matcher: JsonMatcher): JsonMatcher {
  return (value) => {
    if (!Array.isArray(value)) return `want an array, got ${jsonTypeOf(value)}`;
    for (const [index, item] of value.entries()) {
      const mismatch = matcher(item);
      if (mismatch !== undefined) return `item ${index}: ${mismatch}`;
    }
    return undefined;
  };
}

/** A predicate for arrayContains: every dotted path equals its value, e.g. `where({ type: 'm.room.create' })`. */
export function where(fields: Record<string, unknown>): DescribedPredicate {
  const matchers = Object.entries(fields).map(([path, wanted]) => jsonKeyEqual(path, wanted));
  const predicate = ((item: unknown) => isPlainObject(item) && firstMismatch(matchers, item) === undefined) as DescribedPredicate;
  predicate.description = renderValue(fields);
  return predicate;
}

export function allOf(...matchers: JsonMatcher[]): JsonMatcher {
  return (value) => firstMismatch(matchers, value);
}

export function anyOf(...matchers: JsonMatcher[]): JsonMatcher {
  return (value) => {
    const mismatches: string[] = [];
    for (const matcher of matchers) {
      const mismatch = matcher(value);
      if (mismatch === undefined) return undefined;
      mismatches.push(mismatch);
    }
    return `none matched: ${mismatches.join('; ')}`;
  };
}

export function firstMismatch<T>(matchers: Array<(value: T) => string | undefined>, value: T): string | undefined {
  for (const matcher of matchers) {
    const mismatch = matcher(value);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}

export function allMismatches<T>(matchers: Array<(value: T) => string | undefined>, value: T): string[] {
  return matchers.map((matcher) => matcher(value)).filter((m): m is string => m !== undefined);
}

export function responseErrcode(response: MatchableResponse): string | undefined {
  if (response.errcode !== undefined) return response.errcode;
  const fromBody = isPlainObject(response.body) ? response.body.errcode : undefined;
  return typeof fromBody === 'string' ? fromBody : undefined;
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
