/**
 * The failure transcript of one test, meant to be read top to bottom next to the failure message:
 *   - the test, its outcome, file:line and the failure's first line;
 *   - a numbered index of every HTTP exchange of its window in start order (method path → status, ms, actor),
 *     the exchange the assertion is about marked;
 *   - that exchange in full, then the others, except setup (registration, room creation, key queries), which
 *     keeps its index line only unless it failed; PDU signatures and hashes elided, JSON kept compact;
 *   - the warnings, the homeserver's log lines of the test, and the error with its stack.
 */
import type { HttpExchange } from '../core/http-exchange';
import { tryDecodeURIComponent } from '../core/http-exchange';
import { idsInExchanges, linesOfTest } from './log-filter';
import type { TestRecord } from './results';
import { failureLine, repositoryPath } from './source-location';

export const BODY_LIMIT_BYTES = 4096;
export const LOG_LIMIT_LINES = 400;
/** A body longer than this many lines is cut (the index and the log still say what happened). */
export const BODY_LIMIT_LINES = 40;
/** Arrays of events longer than this print one summary line per event. */
const EVENT_ARRAY_SUMMARY_THRESHOLD = 3;
const SHOWN_HEADERS = ['content-type', 'authorization', 'retry-after', 'location'];
/** JSON that fits in this many columns stays on one line. */
const JSON_WIDTH = 120;
const INDEX_WIDTH = 160;
/** A body on one line (exchanges other than the one the assertion is about) is cut here. */
const ONE_LINE_BODY = 240;

/** Exchanges that only set a test up: their index line is enough, unless they failed or the assertion names them. */
const SETUP_PATHS: RegExp[] = [
  /\/_matrix\/client\/v3\/register\b/,
  /\/_matrix\/client\/v3\/login\b/,
  /\/_synapse\/admin\/v1\/register\b/,
  /\/_matrix\/client\/v3\/createRoom\b/,
  /\/_matrix\/client\/versions\b/,
  /\/_matrix\/key\/v2\//,
];

/** Homeserver log lines that only say a test user was registered and logged in (Synapse's wording). */
const SETUP_LOG_LINES: RegExp[] = [
  / - synapse\.handlers\.auth - \d+ - INFO - \S+ - (Auth completed with creds: \{'m\.login\.dummy': True\}|Logging in user @)/,
  / - synapse\.handlers\.register - /,
];

export interface TranscriptInput {
  record: TestRecord;
  exchanges: readonly HttpExchange[];
  homeserverLog?: string;
  homeserverLogError?: string;
  /** The file (next to the transcript) that holds every exchange in full, when one is written. */
  sidecar?: string;
}

export function formatTranscript({ record, exchanges, homeserverLog, homeserverLogError, sidecar }: TranscriptInput): string {
  const lines: string[] = [];
  const ordered = [...exchanges].sort((a, b) => a.startedAt - b.startedAt);
  const quoted = decisiveExchange(ordered, record);
  const decisive = quoted ?? lastBeforeFailure(ordered, record);
  const mark = quoted ? '◀ the assertion is about this one' : '◀ the last before the failure';
  const end = record.endedAt ?? Date.now();
  const line = failureLine(record);
  lines.push(`# ${record.fullTitle}`);
  lines.push(
    [
      `outcome: ${record.outcome}`,
      record.file ? `${repositoryPath(record.file)}${line ? `:${line}` : ''}` : undefined,
      `${iso(record.startedAt)}, ${end - record.startedAt} ms`,
      record.hsut ? `HSUT instance ${record.hsut}` : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
  );
  if (record.expectedFailure) lines.push(`expected failure: ${record.expectedFailure.reason} ${record.expectedFailure.link}`);
  if (record.failedHook) lines.push(`failed in hook: ${record.failedHook}`);
  if (record.error) lines.push(`error: ${firstLine(record.error.message)}`);
  lines.push('');

  if (ordered.length === 0) lines.push('## HTTP exchanges', '', '(none recorded)', '');
  else {
    const setup = ordered.filter((e) => isSetup(e) && e !== decisive);
    lines.push(
      `## HTTP exchanges (${ordered.length}, in start order${setup.length ? `; ${setup.length} setup shown by their index line only` : ''}${sidecar ? `; all in full: ${sidecar}` : ''})`,
      '',
    );
    ordered.forEach((exchange, i) =>
      lines.push(indexLine(exchange, i + 1, record.startedAt, exchange === decisive ? mark : setup.includes(exchange) ? '(setup)' : '')),
    );
    lines.push('');
    if (decisive) lines.push(...formatExchange(decisive, ordered.indexOf(decisive) + 1, record.startedAt, mark), '');
    const others = ordered.filter(
      (e) => e !== decisive && !setup.includes(e) && (e.requestBody !== undefined || e.responseBody !== undefined || e.error),
    );
    if (others.length > 0) {
      lines.push("### The other exchanges' bodies, one line each");
      for (const exchange of others) lines.push(...oneLineBodies(exchange, ordered.indexOf(exchange) + 1));
      lines.push('');
    }
  }

  if (record.warnings.length > 0) {
    lines.push(`## Warnings (${record.warnings.length})`, '');
    for (const warning of record.warnings) lines.push(`- ${firstLine(warning.message)}`);
    lines.push('');
  }

  if (homeserverLogError) lines.push('## Homeserver log', '', `(could not read the homeserver log: ${homeserverLogError})`);
  else if (homeserverLog === undefined) lines.push('## Homeserver log', '', '(no homeserver log source configured)');
  else {
    const ofTest = linesOfTest(homeserverLog, idsInExchanges(exchanges));
    // Registration is setup (its exchanges keep their index line only): so are its log lines.
    const kept = ofTest.lines.filter((l) => !SETUP_LOG_LINES.some((p) => p.test(l)));
    const setupLines = ofTest.lines.length - kept.length;
    const leftOut = [
      ofTest.omitted > 0 ? `${lineCount(ofTest.omitted)} of concurrent tests left out, see hsut.log` : '',
      setupLines > 0 ? `${lineCount(setupLines)} of user registration left out` : '',
    ].filter(Boolean);
    lines.push(
      ofTest.omitted > 0
        ? `## Homeserver log (test window: ${lineCount(kept.length)} naming this test's rooms, users or events, or in the same request; ${leftOut.join('; ')})`
        : `## Homeserver log (test window${leftOut.length ? `; ${leftOut.join('; ')}` : ''})`,
      '',
      truncateLog(kept.join('\n')),
    );
  }
  lines.push('');

  lines.push('## Error', '');
  if (record.error) {
    // A spec violation says so in its next lines (the rule, the clause); other codes are worth naming.
    if (record.error.code && record.error.code !== 'KK_SPEC_VIOLATION') lines.push(`code: ${record.error.code}`);
    const text =
      record.error.stack && record.error.stack.includes(record.error.message)
        ? record.error.stack
        : `${record.error.message}\n${record.error.stack ?? ''}`;
    // Node's own frames (timers, task queues) say nothing about the test.
    lines.push(
      text
        .split('\n')
        .filter((l) => !/^\s+at .*\(node:internal\//.test(l))
        .join('\n')
        .trimEnd(),
    );
  } else {
    lines.push(record.outcome === 'unexpected-pass' ? '(the test passed but is listed as an expected failure)' : '(none)');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function isSetup(exchange: HttpExchange): boolean {
  if (exchange.error || (exchange.status !== undefined && exchange.status >= 400)) return false;
  const path = pathOf(exchange.url);
  return SETUP_PATHS.some((p) => p.test(path));
}

/**
 * The exchange the failing assertion is about: the latest whose method and path, or whose response body, the
 * failure message quotes. None when the message quotes none (then the index is read in order).
 */
export function decisiveExchange(
  exchanges: readonly HttpExchange[],
  record: Pick<TestRecord, 'error' | 'outcome'>,
): HttpExchange | undefined {
  const message = record.error?.message;
  if (!message || (record.outcome !== 'failed' && record.outcome !== 'xfail')) return undefined;
  const decoded = tryDecodeURIComponent(message);
  const quotes = (exchange: HttpExchange): boolean => {
    const path = pathOf(exchange.url);
    if (
      path.length > 12 &&
      (message.includes(`${exchange.method} ${path}`) || decoded.includes(`${exchange.method} ${tryDecodeURIComponent(path)}`))
    )
      return true;
    if (exchange.responseBody === undefined) return false;
    const body = typeof exchange.responseBody === 'string' ? exchange.responseBody : (JSON.stringify(exchange.responseBody) ?? '');
    return body.length >= 12 && message.includes(body.slice(0, 200));
  };
  for (let i = exchanges.length - 1; i >= 0; i--) if (quotes(exchanges[i])) return exchanges[i];
  // "got 403 M_BAD_STATE": the one exchange (setup aside) that answered that status and errcode.
  const got = /\bgot (\d{3})(?: (M_[A-Z_]+))?\b/.exec(firstLine(message));
  if (!got) return undefined;
  const answered = exchanges.filter(
    (e) =>
      !isSetup(e) && e.status === Number(got[1]) && (!got[2] || (e.responseBody as { errcode?: unknown } | undefined)?.errcode === got[2]),
  );
  return answered.length === 1 ? answered[0] : undefined;
}

/** When the message quotes no exchange: the last one (setup aside) that ended before the test failed. */
function lastBeforeFailure(exchanges: readonly HttpExchange[], record: Pick<TestRecord, 'endedAt' | 'error'>): HttpExchange | undefined {
  if (!record.error) return undefined;
  const failedAt = record.endedAt ?? Number.MAX_SAFE_INTEGER;
  for (let i = exchanges.length - 1; i >= 0; i--) {
    const e = exchanges[i];
    if (!isSetup(e) && e.startedAt + e.durationMs <= failedAt) return e;
  }
  return undefined;
}

/** " 3. +121ms  PUT /_matrix/federation/v1/send_knock/!r:fake/$e → 200  15ms  fake-server localhost:8008 → fake 127.0.0.1:1" */
export function indexLine(exchange: HttpExchange, index: number, testStartedAt: number, note = ''): string {
  const offset = `+${Math.max(0, exchange.startedAt - testStartedAt)}ms`;
  const outcome = exchange.error ? `✗ ${clipText(exchange.error, 60)}` : String(exchange.status ?? '?');
  const mark = note ? `  ${note}` : '';
  const request = clipText(`${exchange.method} ${tryDecodeURIComponent(pathOf(exchange.url))}`, INDEX_WIDTH - 60);
  return `${String(index).padStart(3)}. ${offset.padEnd(8)} ${request} → ${outcome}  ${exchange.durationMs}ms  ${actorOf(exchange)}${mark}`;
}

export function formatExchange(exchange: HttpExchange, index: number, testStartedAt: number, note = ''): string[] {
  const offset = `+${Math.max(0, exchange.startedAt - testStartedAt)}ms`;
  const lines = [
    `### ${index}. ${exchange.method} ${tryDecodeURIComponent(pathOf(exchange.url))}${note ? `  ${note}` : ''}`,
    `(${actorOf(exchange)}; ${offset}, took ${exchange.durationMs}ms; ${exchange.url})`,
    ...shownHeaders(exchange.requestHeaders)
      .filter(notJsonType)
      .map((h) => `> ${h}`),
  ];
  if (exchange.requestBody !== undefined) lines.push(...indent(formatBody(exchange.requestBody), '> '));
  if (exchange.error) lines.push(`< (no response: ${exchange.error})`);
  if (exchange.status !== undefined) {
    lines.push(`< ${exchange.status}`);
    lines.push(
      ...shownHeaders(exchange.responseHeaders ?? {})
        .filter(notJsonType)
        .map((h) => `< ${h}`),
    );
    if (exchange.responseBody !== undefined) lines.push(...indent(formatBody(withoutSyncNoise(exchange)), '< '));
  }
  return lines;
}

/** Parts of a /sync answer no knock test reads (push rules, presence, device lists): named, not shown. */
const SYNC_NOISE = [
  'account_data',
  'presence',
  'device_lists',
  'device_one_time_keys_count',
  'device_unused_fallback_key_types',
  'org.matrix.msc2732.device_unused_fallback_key_types',
  'to_device',
];

function withoutSyncNoise(exchange: HttpExchange): unknown {
  const body = exchange.responseBody;
  if (!/\/_matrix\/client\/v3\/sync\b/.test(pathOf(exchange.url)) || typeof body !== 'object' || body === null || Array.isArray(body))
    return body;
  const kept = Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([key]) => !SYNC_NOISE.includes(key)));
  const left = SYNC_NOISE.filter((key) => key in (body as Record<string, unknown>));
  return left.length > 0 ? { ...kept, '(not shown)': left.join(', ') } : kept;
}

/** "  4. > {…request…}" and "     < 200 {…response…}", each cut to one line. */
function oneLineBodies(exchange: HttpExchange, index: number): string[] {
  const number = `${String(index).padStart(3)}.`;
  const lines: string[] = [];
  if (exchange.requestBody !== undefined) lines.push(`${number} > ${clipText(oneLine(exchange.requestBody), ONE_LINE_BODY)}`);
  const answer = exchange.error
    ? `(no response: ${exchange.error})`
    : `${exchange.status ?? '?'}${exchange.responseBody !== undefined ? ` ${oneLine(withoutSyncNoise(exchange))}` : ''}`;
  lines.push(`${lines.length > 0 ? ' '.repeat(number.length) : number} < ${clipText(answer, ONE_LINE_BODY)}`);
  return lines;
}

function oneLine(body: unknown): string {
  return typeof body === 'string'
    ? body.replace(/\s*\n\s*/g, ' ')
    : safeCompactJson(redactTokens(elideSignatures(summariseEventArrays(body))));
}

/**
 * Every exchange of the window in full, for the sidecar file next to the transcript: as recorded, with
 * authorization headers and access tokens redacted.
 */
export function exchangesInFull(exchanges: readonly HttpExchange[]): string {
  const redactHeaders = (headers: Record<string, string> | undefined) =>
    headers &&
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === 'authorization' ? redactAuthorization(v) : v]));
  const full = [...exchanges]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((e, i) => ({
      index: i + 1,
      ...e,
      requestHeaders: redactHeaders(e.requestHeaders),
      ...(e.responseHeaders ? { responseHeaders: redactHeaders(e.responseHeaders) } : {}),
      ...(e.requestBody !== undefined ? { requestBody: redactTokens(e.requestBody) } : {}),
      ...(e.responseBody !== undefined ? { responseBody: redactTokens(e.responseBody) } : {}),
    }));
  return `${JSON.stringify(full, null, 2)}\n`;
}

/** Access tokens in bodies (registration and login answers) never reach a report. */
export function redactTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactTokens);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      key,
      /^(access_token|refresh_token)$/.test(key) && typeof inner === 'string' ? '<redacted>' : redactTokens(inner),
    ]),
  );
}

/** Who made the exchange: the CS client's user, or which server talked to which. */
function actorOf(exchange: HttpExchange): string {
  return `${exchange.actor} ${exchange.from.replace(/ \(client\)$/, '')}${exchange.actor === 'cs-client' ? '' : ` → ${exchange.to.replace(/ \(https?:\/\/[^)]*\)$/, '')}`}`;
}

function pathOf(url: string): string {
  const match = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(url);
  return match ? (match[1] ?? '/') : url;
}

function notJsonType(header: string): boolean {
  return !/^content-type: application\/json\b/i.test(header);
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
    const kept = ['origin', 'destination', 'key'].filter((key) => params.has(key)).map((key) => `${key}=${params.get(key)}`);
    return `X-Matrix ${kept.join(',')} sig=<redacted>`;
  }
  return `${scheme} <redacted>`;
}

export function formatBody(body: unknown, limitBytes = BODY_LIMIT_BYTES, limitLines = BODY_LIMIT_LINES): string {
  const text = typeof body === 'string' ? body : compactJson(redactTokens(elideSignatures(summariseEventArrays(body))));
  const bytes = Buffer.byteLength(text);
  const lines = text.split('\n');
  if (bytes <= limitBytes && lines.length <= limitLines) return text;
  if (lines.length > limitLines && Buffer.byteLength(lines.slice(0, limitLines).join('\n')) <= limitBytes) {
    return `${lines.slice(0, limitLines).join('\n')}\n… (truncated: ${lines.length} lines, first ${limitLines} shown)`;
  }
  const cut = Buffer.from(text)
    .subarray(0, limitBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}\n… (truncated: ${bytes} bytes, first ${limitBytes} shown)`;
}

/** PDU `signatures` and `hashes` say nothing a reader of a failure needs: they become a short placeholder. */
export function elideSignatures(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(elideSignatures);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => {
    if (key === 'signatures' && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      return [key, `<${Object.keys(inner).join(', ') || 'no'} signature${Object.keys(inner).length === 1 ? '' : 's'} elided>`];
    }
    if (key === 'hashes' && typeof inner === 'object' && inner !== null && !Array.isArray(inner))
      return [key, `<${Object.keys(inner).join(', ')} elided>`];
    return [key, elideSignatures(inner)];
  });
  return Object.fromEntries(entries);
}

/** JSON indented by two, but an object or array that fits in `width` columns stays on one line. */
export function compactJson(value: unknown, width = JSON_WIDTH): string {
  return compactAt(value, '', width) ?? String(value);
}

function compactAt(value: unknown, indentation: string, width: number): string | undefined {
  const flat = safeCompactJson(value);
  if (flat === undefined) return undefined;
  if (typeof value !== 'object' || value === null || indentation.length + flat.length <= width) return flat;
  const inner = `${indentation}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${compactAt(v, inner, width) ?? 'null'}`).join(',\n')}\n${indentation}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactAt(v, inner, width - k.length - 4) ?? 'null'}`).join(',\n')}\n${indentation}}`;
}

/** One-line JSON with a space after each comma and colon (the strings themselves untouched). */
function safeCompactJson(value: unknown): string {
  try {
    return flatJson(value, new Set());
  } catch {
    return String(value);
  }
}

function flatJson(value: unknown, seen: Set<unknown>): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (seen.has(value)) return '"<circular>"';
  seen.add(value);
  const text = Array.isArray(value)
    ? `[${value.map((v) => flatJson(v, seen)).join(', ')}]`
    : `{${Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v, seen)}`)
        .join(', ')}}`;
  seen.delete(value);
  return text;
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
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
  // A stripped event has only these; name what else an entry carries (a PDU's auth_events, hashes, …).
  const extra = Object.keys(event).filter((k) => !['type', 'state_key', 'sender', 'content'].includes(k));
  if (extra.length > 0) parts.push(`+{${extra.join(',')}}`);
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

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}
