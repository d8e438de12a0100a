/** What an HTTP call can fail with: an answer the caller did not want (HttpError), or no answer (NetworkError). */
import type { RawResponse } from './response';

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

/** Why a call got no answer. */
export interface NetworkFailure {
  /** 'timed out after N ms', or the system/undici code and message ('ECONNREFUSED connect ECONNREFUSED …'). */
  reason: string;
  /** The code of the underlying error (ECONNREFUSED, UND_ERR_SOCKET, KK_RESPONSE_TOO_LARGE…), if it had one. */
  causeCode?: string;
  timedOut: boolean;
}

/**
 * The network failed or the call ran out of time: no HTTP status at all. The message is one line,
 * `METHOD URL: reason`; `reason` alone is what the transcript shows under the request.
 */
export class NetworkError extends Error implements NetworkFailure {
  readonly code = 'KK_NETWORK_ERROR';
  override name = 'NetworkError';
  readonly reason: string;
  readonly causeCode?: string;
  readonly timedOut: boolean;

  constructor(method: string, url: string, failure: NetworkFailure, options?: { cause?: unknown }) {
    super(`${method} ${url}: ${failure.reason}`, options);
    this.reason = failure.reason;
    this.causeCode = failure.causeCode;
    this.timedOut = failure.timedOut;
  }
}

/** Builds the NetworkError for a call that got no answer (`cause` as undici or the body reader threw it). */
export function networkError(method: string, url: string, cause: unknown, timeoutMs: number): NetworkError {
  const e = cause as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new NetworkError(method, url, { reason: `timed out after ${timeoutMs} ms`, timedOut: true }, { cause });
  }
  const causeCode = e?.cause?.code ?? e?.code;
  const message = e?.cause?.message ?? e?.message ?? String(cause);
  return new NetworkError(method, url, { reason: causeCode ? `${causeCode} ${message}` : message, causeCode, timedOut: false }, { cause });
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
