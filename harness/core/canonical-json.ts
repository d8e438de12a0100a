/**
 * Matrix canonical JSON (spec appendix "Canonical JSON"): object keys sorted by Unicode code point, no
 * insignificant whitespace, integers only in [-(2^53)+1, 2^53-1]. Anything else is an error naming the JSON
 * path, never silently converted: a homeserver would reject what we sign.
 */

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`canonical JSON: ${problem} at ${path}`);
    this.name = 'CanonicalJsonError';
  }
}

export function canonicalJson(value: unknown): string {
  return encodeValue(value, '$');
}

/** The UTF-8 bytes that are signed and hashed. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * Code point order. UTF-16 code unit order agrees with it except when a surrogate (U+D800–DFFF, i.e. a
 * character above U+FFFF) meets a unit in U+E000–FFFF: a plain `.sort()` puts '😀' before '！'.
 */
export function compareByCodePoint(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

function codeUnitRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function encodeValue(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value, path);
    case 'number':
      return encodeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return encodeArray(value, path);
      return encodeObject(value, path);
    case 'undefined':
      throw new CanonicalJsonError(path, 'undefined is not JSON');
    case 'bigint':
      throw new CanonicalJsonError(path, `bigint ${value}n is not allowed (use a number in the safe integer range)`);
    default:
      throw new CanonicalJsonError(path, `${typeof value} is not JSON`);
  }
}

function encodeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'string contains a lone surrogate');
  // JSON.stringify escapes exactly what the grammar requires: `"`, `\`, and C0 controls (\b \t \n \f \r or \u00xx).
  return JSON.stringify(value);
}

function encodeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not allowed`);
  if (!Number.isInteger(value)) throw new CanonicalJsonError(path, `float ${value} is not allowed (integers only)`);
  if (!Number.isSafeInteger(value)) {
    throw new CanonicalJsonError(path, `integer ${value} is outside [-(2^53)+1, 2^53-1]`);
  }
  return Object.is(value, -0) ? '0' : String(value);
}

function encodeArray(value: readonly unknown[], path: string): string {
  const parts = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) parts[i] = encodeValue(value[i], `${path}[${i}]`);
  return `[${parts.join(',')}]`;
}

function encodeObject(value: object, path: string): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new CanonicalJsonError(path, `${kind} is not a plain JSON object`);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareByCodePoint);
  const parts = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    parts[i] = `${encodeString(key, childPath)}:${encodeValue(record[key], childPath)}`;
  }
  return `{${parts.join(',')}}`;
}
