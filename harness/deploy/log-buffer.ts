/**
 * HSUT log lines stamped with the wall-clock time they arrived, so logs(sinceMs) can return a test's window.
 * Optionally mirrored to a file as `<ISO time> <line>` for other processes (mocha workers) and the report.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

interface LogLine {
  at: number;
  text: string;
}

const MAX_LINES = 200_000;

export class LogBuffer {
  private readonly lines: LogLine[] = [];
  private partial = '';

  constructor(private readonly mirrorFile?: string) {
    if (mirrorFile) mkdirSync(dirname(mirrorFile), { recursive: true });
  }

  /** Feeds a testcontainers log stream (chunks may split lines anywhere). */
  consume(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('end', () => this.flush());
    stream.on('error', () => this.flush());
  }

  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const text of parts) this.add(text);
  }

  flush(): void {
    if (this.partial) this.add(this.partial);
    this.partial = '';
  }

  text(sinceMs?: number): string {
    return this.lines
      .filter((line) => sinceMs === undefined || line.at >= sinceMs)
      .map((line) => line.text)
      .join('\n');
  }

  tail(count: number): string {
    return this.lines
      .slice(-count)
      .map((line) => line.text)
      .join('\n');
  }

  private add(text: string): void {
    const line = { at: Date.now(), text };
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    if (this.mirrorFile) appendFileSync(this.mirrorFile, `${new Date(line.at).toISOString()} ${text}\n`);
  }
}

/** Reads a file LogBuffer mirrored, keeping lines at or after sinceMs. */
export function readMirroredLogs(file: string, sinceMs?: number): string {
  if (!existsSync(file)) return '';
  const out: string[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (!raw) continue;
    const space = raw.indexOf(' ');
    const at = Date.parse(raw.slice(0, space));
    if (sinceMs !== undefined && !(at >= sinceMs)) continue;
    out.push(raw.slice(space + 1));
  }
  return out.join('\n');
}

const LEADING_TIMESTAMP = /^\[?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?/;

/**
 * A log file the HSUT writes itself (`--hsut-log`, a server run by someone else): lines from `sinceMs` on, by the
 * timestamp a line starts with (`2026-12-02 15:50:23,123 …`, ISO 8601, local time when it names no zone); a line
 * without one (a traceback) goes with the line before it.
 */
export function readServerLog(file: string, sinceMs?: number): string {
  if (!existsSync(file)) return '';
  const out: string[] = [];
  let keep = sinceMs === undefined;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (!raw) continue;
    const found = LEADING_TIMESTAMP.exec(raw);
    if (found && sinceMs !== undefined) {
      const [, day, time, fraction = '0', zone = ''] = found;
      const at = Date.parse(`${day}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}${zone}`);
      keep = !Number.isNaN(at) && at >= sinceMs;
    }
    if (keep) out.push(raw);
  }
  return out.join('\n');
}
