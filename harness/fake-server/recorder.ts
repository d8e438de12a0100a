/**
 * Everything the fake server receives and sends, with timestamps, and an event-driven waitFor over it.
 */

export interface InboundRecord {
  kind: 'inbound';
  seq: number;
  at: number;
  method: string;
  /** Raw path with query, as received. */
  uri: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  /** Origin from a verified X-Matrix header. */
  origin?: string;
  /** Why authentication failed (the request was answered 401). */
  authError?: string;
  /** Name of the handler that took it; undefined when none did. */
  handler?: string;
  /** The path parameters of the handler's route, percent-decoded (`{ roomId, userId }`); {} when no handler took it. */
  params: Record<string, string>;
  unexpected: boolean;
  /** 0 when the handler hung up or stalled on purpose. */
  status: number;
  responseBody: unknown;
  durationMs: number;
}

export interface OutboundRecord {
  kind: 'outbound';
  seq: number;
  at: number;
  destination: string;
  method: string;
  uri: string;
  body: unknown;
  status?: number;
  responseBody?: unknown;
  error?: string;
  durationMs: number;
}

/** A PDU the fake server accepted from another server (via /send, send_join, send_knock, send_leave, invite). */
export interface PduRecord {
  kind: 'pdu';
  seq: number;
  at: number;
  origin: string;
  /** The endpoint that delivered it: 'send', 'send_join', 'send_knock', 'send_leave', 'invite'. */
  via: string;
  roomId: string;
  eventId: string;
  event: Record<string, unknown>;
  /** The signature of the sending server checked out (and the content hash). */
  signatureVerified: boolean;
  /** Accepted into the fake's copy of the room; when false, `rejection` says why. */
  accepted: boolean;
  rejection?: string;
}

export interface EduRecord {
  kind: 'edu';
  seq: number;
  at: number;
  origin: string;
  eduType: string;
  content: unknown;
}

export type TrafficRecord = InboundRecord | OutboundRecord | PduRecord | EduRecord;
type Unsequenced<T> = T extends TrafficRecord ? Omit<T, 'seq'> : never;

export interface WaitOptions {
  timeoutMs: number;
  /** Only consider records from this sequence number on (e.g. `fake.mark()` taken before the action). */
  since?: number;
  /** Text for the timeout error: what was being waited for. */
  description?: string;
}

interface Waiter {
  matches(record: TrafficRecord): boolean;
  resolve(record: TrafficRecord): void;
}

export class Recorder {
  private readonly records: TrafficRecord[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextSeq = 0;

  add<T extends Unsequenced<TrafficRecord>>(record: T): T & { seq: number } {
    const full = { ...record, seq: this.nextSeq++ } as T & { seq: number };
    this.records.push(full as TrafficRecord);
    for (const waiter of [...this.waiters]) {
      let matched = false;
      try {
        matched = waiter.matches(full as TrafficRecord);
      } catch {
        matched = false; // a predicate that throws on a record it does not expect simply does not match
      }
      if (matched) waiter.resolve(full as TrafficRecord);
    }
    return full;
  }

  /** The sequence number the next record will get: pass as `since` to ignore what came before. */
  mark(): number {
    return this.nextSeq;
  }

  all(): readonly TrafficRecord[] {
    return this.records;
  }

  waitFor<T extends TrafficRecord>(
    predicate: ((record: TrafficRecord) => record is T) | ((record: TrafficRecord) => boolean),
    options: WaitOptions,
  ): Promise<T> {
    const since = options.since ?? 0;
    const safe = (record: TrafficRecord) => {
      try {
        return record.seq >= since && predicate(record);
      } catch {
        return false;
      }
    };
    const existing = this.records.find(safe);
    if (existing) return Promise.resolve(existing as T);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        matches: safe,
        resolve: (record) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(record as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.timeoutMessage(options, since)));
      }, options.timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private timeoutMessage(options: WaitOptions, since: number): string {
    const seen = this.records.filter((r) => r.seq >= since);
    const what = options.description ? ` for ${options.description}` : '';
    const lines = seen.slice(-40).map(describeRecord);
    const omitted = seen.length > lines.length ? [`  … ${seen.length - lines.length} earlier records omitted`] : [];
    return [
      `fake server: waited ${options.timeoutMs} ms${what}; no matching record among ${seen.length} received since #${since}:`,
      ...omitted,
      ...lines.map((l) => `  ${l}`),
    ].join('\n');
  }
}

export function describeRecord(record: TrafficRecord): string {
  const t = new Date(record.at).toISOString().slice(11, 23);
  switch (record.kind) {
    case 'inbound': {
      const who = record.origin ?? (record.authError ? `unauthenticated: ${record.authError}` : 'unsigned');
      const tag = record.unexpected ? ' UNEXPECTED' : '';
      return `#${record.seq} ${t} in  ${record.method} ${record.uri} from ${who} → ${record.status}${tag}`;
    }
    case 'outbound':
      return `#${record.seq} ${t} out ${record.method} ${record.uri} to ${record.destination} → ${record.status ?? record.error}`;
    case 'pdu': {
      const ev = record.event as { type?: unknown; content?: { membership?: unknown } };
      const membership = ev.content?.membership ? ` (${String(ev.content.membership)})` : '';
      const verdict = record.accepted ? 'accepted' : `rejected: ${record.rejection}`;
      return `#${record.seq} ${t} pdu ${String(ev.type)}${membership} ${record.eventId} in ${record.roomId} via ${record.via} from ${record.origin}, ${verdict}`;
    }
    case 'edu':
      return `#${record.seq} ${t} edu ${record.eduType} from ${record.origin}`;
  }
}
