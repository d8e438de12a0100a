/** The one shape of an HTTP answer the harness hands to tests, and the plumbing that builds it. */

export interface RawResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text (undefined when empty). */
  body: T;
  errcode?: string;
  error?: string;
}

export type QueryValue = string | number | boolean | undefined | Array<string | number | boolean>;
export type Query = Record<string, QueryValue>;

/** `?a=1&b=x&b=y` (arrays repeat the key, undefined values are left out), or '' when nothing is left. */
export function queryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A body as tests see it: undefined when empty, the parsed JSON when it parses, else the text itself. */
export function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: keep the text, tests may assert on it
  }
}

/** One string per header: repeated headers joined with ', '. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Status, headers and the parsed body, with `errcode` and `error` lifted out of a Matrix error object. */
export function toRawResponse<T = any>(status: number, headers: Record<string, string>, text: string): RawResponse<T> {
  const body = parseBody(text);
  const raw: RawResponse<T> = { status, headers, body: body as T };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const { errcode, error } = body as { errcode?: unknown; error?: unknown };
    if (typeof errcode === 'string') raw.errcode = errcode;
    if (typeof error === 'string') raw.error = error;
  }
  return raw;
}
