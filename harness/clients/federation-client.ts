/**
 * A federation client that signs its requests with X-Matrix as one server name and returns the raw answer
 * (status, body, errcode) instead of throwing: conformance tests assert on refusals as much as on successes.
 * Every exchange is published on the HTTP transcript channel.
 */
import { readTextCapped } from './body';
import { Agent, request as undiciRequest } from 'undici';
import { signRequest, type SigningKey } from '../core';
import { publishHttpExchange } from '../core/http-exchange';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text (undefined when empty). */
  body: unknown;
  errcode?: string;
  error?: string;
}

export interface FederationClientOptions {
  serverName: string;
  key: SigningKey;
  timeoutMs?: number;
  /** PEM of a CA to trust for https destinations (the fake server's CA); otherwise certificates are not checked. */
  caPem?: string;
}

export interface FederationRequest {
  /** Server name of the receiver, as it goes into the X-Matrix `destination`. */
  destination: string;
  /** Where to send it: scheme://host:port, no trailing slash. */
  baseUrl: string;
  method: string;
  /** Path, already percent-encoded where needed (e.g. `/_matrix/federation/v1/make_knock/${encodeURIComponent(roomId)}/...`). */
  path: string;
  /** Query parameters; arrays repeat the key (`ver=7&ver=8`). */
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** false: send without an Authorization header. */
  sign?: boolean;
  /** Sign with this key instead of the client's (e.g. a forged key under the same key id). */
  keyOverride?: SigningKey;
  /** Sign as this origin instead of the client's server name. */
  originOverride?: string;
  /** Replace the Authorization header entirely (garbage headers). */
  authorizationOverride?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class FederationClient {
  readonly serverName: string;
  readonly key: SigningKey;
  private readonly timeoutMs: number;
  private readonly dispatcher: Agent;

  constructor(options: FederationClientOptions) {
    this.serverName = options.serverName;
    this.key = options.key;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = new Agent({
      connect: options.caPem ? { ca: options.caPem } : { rejectUnauthorized: false },
    });
  }

  async request(req: FederationRequest): Promise<RawResponse> {
    const uri = req.path + queryString(req.query);
    const url = req.baseUrl.replace(/\/$/, '') + uri;
    const headers: Record<string, string> = {};
    const hasBody = req.body !== undefined;
    const bodyText = hasBody ? JSON.stringify(req.body) : undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    if (req.authorizationOverride !== undefined) {
      headers.authorization = req.authorizationOverride;
    } else if (req.sign !== false) {
      headers.authorization = signRequest(
        {
          method: req.method,
          uri,
          origin: req.originOverride ?? this.serverName,
          destination: req.destination,
          ...(hasBody ? { content: req.body } : {}),
        },
        req.keyOverride ?? this.key,
      );
    }

    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const startedAt = Date.now();
    const exchange = {
      actor: 'federation-client' as const,
      from: `fake ${req.originOverride ?? this.serverName}`,
      to: `${req.destination} (${req.baseUrl})`,
      method: req.method,
      url,
      requestHeaders: headers,
      requestBody: req.body,
      startedAt,
    };
    try {
      const response = await undiciRequest(url, {
        method: req.method as 'GET',
        headers,
        body: bodyText,
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await readTextCapped(response.body);
      const raw = toRawResponse(response.statusCode, flattenHeaders(response.headers), text);
      publishHttpExchange({
        ...exchange,
        status: raw.status,
        responseHeaders: raw.headers,
        responseBody: raw.body,
        durationMs: Date.now() - startedAt,
      });
      return raw;
    } catch (cause) {
      const message = `${req.method} ${url} failed after ${Date.now() - startedAt} ms: ${describeError(cause, timeoutMs)}`;
      publishHttpExchange({ ...exchange, error: message, durationMs: Date.now() - startedAt });
      throw new Error(message, { cause });
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

export function queryString(query: FederationRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function toRawResponse(status: number, headers: Record<string, string>, text: string): RawResponse {
  let body: unknown = text === '' ? undefined : text;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text, tests may assert on it
    }
  }
  const raw: RawResponse = { status, headers, body };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const { errcode, error } = body as { errcode?: unknown; error?: unknown };
    if (typeof errcode === 'string') raw.errcode = errcode;
    if (typeof error === 'string') raw.error = error;
  }
  return raw;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function describeError(cause: unknown, timeoutMs: number): string {
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
    const code = (cause as { code?: string }).code;
    return code ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}
