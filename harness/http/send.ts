/**
 * One HTTP request the way every part of the harness makes it: a deadline, a capped body read, the answer
 * parsed into a RawResponse, and (when `exchange` says who is talking) the exchange published on the transcript
 * channel. Never throws on an HTTP status; throws NetworkError when no answer came.
 */
import { request, type Dispatcher } from 'undici';
import { publishHttpExchange, type HttpExchange } from '../core/http-exchange';
import { MAX_RESPONSE_BYTES, readTextCapped } from './body';
import { networkError } from './errors';
import { flattenHeaders, toRawResponse, type RawResponse } from './response';

export interface SendRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A JSON value, sent serialised (the caller sets content-type); undefined sends no body. */
  body?: unknown;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  /** Bodies larger than this fail the call (default MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Who talks to whom, for the transcript; without it the exchange is not published (readiness probes). */
  exchange?: Pick<HttpExchange, 'actor' | 'from' | 'to'> & {
    /** The request headers as the transcript shows them (e.g. a bearer token redacted); default `headers`. */
    requestHeaders?: Record<string, string>;
  };
}

export async function send<T = any>(req: SendRequest): Promise<RawResponse<T>> {
  const headers = req.headers ?? {};
  const startedAt = Date.now();
  const exchange = req.exchange && {
    actor: req.exchange.actor,
    from: req.exchange.from,
    to: req.exchange.to,
    method: req.method,
    url: req.url,
    requestHeaders: req.exchange.requestHeaders ?? headers,
    requestBody: req.body,
    startedAt,
  };
  try {
    const response = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      dispatcher: req.dispatcher,
      signal: AbortSignal.timeout(req.timeoutMs),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const text = await readTextCapped(response.body, req.maxResponseBytes ?? MAX_RESPONSE_BYTES);
    const raw = toRawResponse<T>(response.statusCode, flattenHeaders(response.headers), text);
    if (exchange) {
      publishHttpExchange({
        ...exchange,
        status: raw.status,
        responseHeaders: raw.headers,
        responseBody: raw.body,
        durationMs: Date.now() - startedAt,
      });
    }
    return raw;
  } catch (cause) {
    const error = networkError(req.method, req.url, cause, req.timeoutMs);
    if (exchange) publishHttpExchange({ ...exchange, error: error.reason, durationMs: Date.now() - startedAt });
    throw error;
  }
}
