/** Response shape and error shared by the HTTP clients. */

export interface RawResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  errcode?: string;
  error?: string;
}

/** A non-2xx answer to a call that expected success. The message names method, path, status and body. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly code = 'KK_HTTP_ERROR';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly response: RawResponse,
    problem?: string,
  ) {
    super(`${method} ${path} → ${response.status}${problem ? ` (${problem})` : ''} ${truncate(safeStringify(response.body), 500)}`);
  }
  get status(): number {
    return this.response.status;
  }
  get errcode(): string | undefined {
    return this.response.errcode;
  }
}

/** The network failed or the call ran out of time: no HTTP status at all. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  readonly code = 'KK_NETWORK_ERROR';
}

export function safeStringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
