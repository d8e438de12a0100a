/**
 * Dotted JSON paths, as Complement's gjson keys: `content.membership`, `knock_room_state.0.type`.
 * A literal dot inside a key is written `\.` (e.g. `events.m\.room\.member`). Numeric segments index arrays.
 */
export function splitJsonPath(path: string): string[] {
  if (path === '') return [];
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && path[i + 1] === '.') {
      current += '.';
      i++;
    } else if (char === '.') {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

export type PathLookup = { found: true; value: unknown } | { found: false; missingAt: string };

export function lookupJsonPath(root: unknown, path: string): PathLookup {
  let value = root;
  const walked: string[] = [];
  for (const segment of splitJsonPath(path)) {
    walked.push(segment);
    if (Array.isArray(value) && /^\d+$/.test(segment) && Number(segment) < value.length) {
      value = value[Number(segment)];
    } else if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, segment)) {
      value = value[segment];
    } else {
      return { found: false, missingAt: walked.join('.') };
    }
  }
  return { found: true, value };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
