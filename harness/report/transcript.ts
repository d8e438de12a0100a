/**
 * The failure transcript of one test: every HTTP exchange in its time window, the homeserver's log lines of
 * that window, then the error. Plain text, meant to be read top to bottom next to the failure message.
 */
import type { HttpExchange } from '../core/http-exchange';
import { idsInExchanges, linesOfTest } from './log-filter';
import type { TestRecord } from './results';

export const BODY_LIMIT_BYTES = 4096;
export const LOG_LIMIT_LINES = 400;
/** Arrays of events longer than this print one summary line per event. */
const EVENT_ARRAY_SUMMARY_THRESHOLD = 3;
const SHOWN_HEADERS = ['content-type', 'authorization', 'retry-after', 'location'];

export interface TranscriptInput {
  record: TestRecord;
  exchanges: readonly HttpExchange[];
  homeserverLog?: string;
  homeserverLogError?: string;
}

export function formatTranscript({ record, exchanges, homeserverLog, homeserverLogError }: TranscriptInput): string {
  const lines: string[] = [];
  lines.push(`# ${record.fullTitle}`);
  lines.push(`outcome: ${record.outcome}${record.expectedFailure ? ` (expected failure: ${record.expectedFailure.reason} ${record.expectedFailure.link})` : ''}`);
  if (record.failedHook) lines.push(`failed in hook: ${record.failedHook}`);
  if (record.file) lines.push(`file: ${record.file}`);
  lines.push(`window: ${iso(record.startedAt)} → ${iso(record.endedAt ?? Date.now())}`);
  if (record.error) lines.push(`error: ${firstLine(record.error.message)}`);
  lines.push('');

  lines.push(`## HTTP exchanges (${exchanges.length})`, '');
  exchanges.forEach((exchange, index) => lines.push(...formatExchange(exchange, index + 1, record.startedAt), ''));
  if (exchanges.length === 0) lines.push('(none recorded)', '');

  if (record.warnings.length > 0) {
    lines.push(`## Warnings (${record.warnings.length})`, '');
    for (const warning of record.warnings) lines.push(`- ${warning.message}`);
    lines.push('');
  }

  if (homeserverLogError) lines.push('## Homeserver log', '', `(could not read the homeserver log: ${homeserverLogError})`);
  else if (homeserverLog === undefined) lines.push('## Homeserver log', '', '(no homeserver log source configured)');
  else {
    const ofTest = linesOfTest(homeserverLog, idsInExchanges(exchanges));
    lines.push(
      ofTest.omitted > 0
        ? `## Homeserver log (test window: ${lineCount(ofTest.lines.length)} naming this test's rooms, users or events, or in the same request; ${lineCount(ofTest.omitted)} of concurrent tests left out, see hsut.log)`
        : '## Homeserver log (test window)',
      '',
      truncateLog(ofTest.lines.join('\n')),
    );
  }
  lines.push('');

  lines.push('## Error', '');
  if (record.error) {
    if (record.error.code) lines.push(`code: ${record.error.code}`);
    lines.push(record.error.stack && record.error.stack.includes(record.error.message) ? record.error.stack : `${record.error.message}\n${record.error.stack ?? ''}`);
  } else {
    lines.push(record.outcome === 'unexpected-pass' ? '(the test passed but is listed as an expected failure)' : '(none)');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function formatExchange(exchange: HttpExchange, index: number, testStartedAt: number): string[] {
  const offset = `+${Math.max(0, exchange.startedAt - testStartedAt)}ms`;
  const lines = [
    `### ${index}. [${exchange.actor}] ${exchange.from} → ${exchange.to}  (${offset}, took ${exchange.durationMs}ms)`,
    `> ${exchange.method} ${exchange.url}`,
    ...shownHeaders(exchange.requestHeaders).map((h) => `> ${h}`),
  ];
  if (exchange.requestBody !== undefined) lines.push(...indent(formatBody(exchange.requestBody), '> '));
  if (exchange.error) lines.push(`< (no response: ${exchange.error})`);
  if (exchange.status !== undefined) {
    lines.push(`< ${exchange.status}`);
    lines.push(...shownHeaders(exchange.responseHeaders ?? {}).map((h) => `< ${h}`));
    if (exchange.responseBody !== undefined) lines.push(...indent(formatBody(exchange.responseBody), '< '));
  }
  return lines;
}

export function shownHeaders(headers: Record<string, string>): string[] {
  const shown: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!SHOWN_HEADERS.includes(lower)) continue;
    shown.push(`${lower}: ${lower === 'authorization' ? redactAuthorization(value) : value}`);
  }
  return shown;
}

/** X-Matrix keeps origin, destination and key (what a reader needs), never the signature; tokens are hidden. */
export function redactAuthorization(value: string): string {
  const scheme = value.split(/\s+/, 1)[0];
  if (scheme.toLowerCase() === 'x-matrix') {
    const params = new Map<string, string>();
    for (const [, key, quoted, bare] of value.slice(scheme.length).matchAll(/([A-Za-z_]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
      params.set(key.toLowerCase(), quoted ?? bare);
    }
    const kept = ['origin', 'destination', 'key']
      .filter((key) => params.has(key))
      .map((key) => `${key}=${params.get(key)}`);
    return `X-Matrix ${kept.join(',')} sig=<redacted>`;
  }
  return `${scheme} <redacted>`;
}

export function formatBody(body: unknown, limitBytes = BODY_LIMIT_BYTES): string {
  const text = typeof body === 'string' ? body : safeJson(summariseEventArrays(body));
  const bytes = Buffer.byteLength(text);
  if (bytes <= limitBytes) return text;
  const cut = Buffer.from(text).subarray(0, limitBytes).toString('utf8').replace(/\uFFFD$/, '');
  return `${cut}\n… (truncated: ${bytes} bytes, first ${limitBytes} shown)`;
}

/** Replaces long arrays of events (PDUs, stripped state, timelines) with one line per event. */
export function summariseEventArrays(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length > EVENT_ARRAY_SUMMARY_THRESHOLD && value.every(looksLikeEvent)) {
      return [`(${value.length} events)`, ...value.map((event) => summariseEvent(event as Record<string, unknown>))];
    }
    return value.map(summariseEventArrays);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, summariseEventArrays(inner)]));
  }
  return value;
}

function looksLikeEvent(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).type === 'string';
}

function summariseEvent(event: Record<string, unknown>): string {
  const content = (event.content ?? {}) as Record<string, unknown>;
  const parts = [String(event.type)];
  if (typeof event.state_key === 'string') parts.push(`[${event.state_key}]`);
  if (typeof content.membership === 'string') parts.push(`membership=${content.membership}`);
  if (typeof content.join_rule === 'string') parts.push(`join_rule=${content.join_rule}`);
  if (typeof event.sender === 'string') parts.push(`sender=${event.sender}`);
  if (typeof event.event_id === 'string') parts.push(event.event_id);
  return parts.join(' ');
}

function lineCount(n: number): string {
  return `${n} line${n === 1 ? '' : 's'}`;
}

function truncateLog(log: string): string {
  const lines = log.replace(/\n$/, '').split('\n');
  if (lines.length <= LOG_LIMIT_LINES) return lines.join('\n') || '(empty)';
  return [`… (${lines.length - LOG_LIMIT_LINES} earlier lines omitted)`, ...lines.slice(-LOG_LIMIT_LINES)].join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}
