/**
 * The record of one HTTP exchange the harness took part in. Clients and the fake server publish these on a
 * diagnostics channel; reporters subscribe and keep the ones of the running test (failure transcripts).
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export const HTTP_EXCHANGE_CHANNEL = 'knockknock:http-exchange';

export interface HttpExchange {
  actor: 'cs-client' | 'federation-client' | 'fake-server';
  from: string;
  to: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: unknown;
  error?: string;
  startedAt: number;
  durationMs: number;
}

const channel = diagnosticsChannel.channel(HTTP_EXCHANGE_CHANNEL);

export function publishHttpExchange(exchange: HttpExchange): void {
  if (channel.hasSubscribers) channel.publish(exchange);
}

export function subscribeHttpExchanges(listener: (exchange: HttpExchange) => void): () => void {
  const onMessage = (message: unknown) => listener(message as HttpExchange);
  channel.subscribe(onMessage);
  return () => channel.unsubscribe(onMessage);
}

/** decodeURIComponent, or the text unchanged when it is not valid percent-encoding (exchange URLs are raw). */
export function tryDecodeURIComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
