/**
 * Timings of one run, written to <out>/run-metrics.json for the benchmark: HSUT readiness, first result,
 * wall and CPU time, and how long the harness spent waiting on the HSUT (the union of the intervals of every
 * request to it, so concurrent requests count once).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subscribeHttpExchanges, type HttpExchange } from '../core/http-exchange';

/** Where parallel workers leave their HSUT request intervals (worker-metrics.ts). */
export const METRICS_DIR_ENV = 'KK_METRICS_DIR';

/** A request from the harness to the HSUT: any client-server call, or a federation call addressed to it. */
export function isHsutExchange(exchange: HttpExchange, hsutServerName: string): boolean {
  return exchange.actor === 'cs-client' || (exchange.actor === 'federation-client' && exchange.to.startsWith(`${hsutServerName} `));
}

export interface RunMetrics {
  hsutReadyMs: number;
  firstResultMs?: number;
  suiteWallMs: number;
  totalWallMs: number;
  /** CPU time of the harness: this process and, in parallel mode, every worker. */
  cpuUserMs: number;
  cpuSystemMs: number;
  hsutBusyMs: number;
  hsutRequests: number;
}

export class RunMetricsRecorder {
  private readonly intervals: Array<[number, number]> = [];
  private readonly unsubscribe: () => void;
  private suiteStartedAt = 0;
  private hsutReadyMs = 0;

  private readonly workerDir: string;

  constructor(hsutServerName: string, outDir: string) {
    this.unsubscribe = subscribeHttpExchanges((exchange) => {
      if (isHsutExchange(exchange, hsutServerName)) this.intervals.push([exchange.startedAt, exchange.startedAt + exchange.durationMs]);
    });
    this.workerDir = join(outDir, '.metrics');
    rmSync(this.workerDir, { recursive: true, force: true });
    mkdirSync(this.workerDir, { recursive: true });
    process.env[METRICS_DIR_ENV] = this.workerDir; // parallel workers are forked later and inherit it
  }

  /** What parallel workers left: their HSUT request intervals and their CPU time (µs). */
  private workerFiles(): { intervals: Array<[number, number]>; cpu: { user: number; system: number } } {
    const found = { intervals: [] as Array<[number, number]>, cpu: { user: 0, system: 0 } };
    if (!existsSync(this.workerDir)) return found;
    for (const file of readdirSync(this.workerDir)) {
      const text = readFileSync(join(this.workerDir, file), 'utf8');
      if (file.startsWith('cpu-')) {
        const usage = JSON.parse(text) as { user: number; system: number };
        found.cpu.user += usage.user;
        found.cpu.system += usage.system;
      } else {
        found.intervals.push(...text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as [number, number]));
      }
    }
    rmSync(this.workerDir, { recursive: true, force: true });
    return found;
  }

  hsutReady(ms: number): void {
    this.hsutReadyMs = ms;
  }

  suiteStarted(): void {
    this.suiteStartedAt = Date.now();
  }

  /** `firstResultAt`: wall-clock time the first test finished, if any ran. */
  write(outDir: string, firstResultAt?: number): RunMetrics {
    this.unsubscribe();
    const workers = this.workerFiles();
    this.intervals.push(...workers.intervals);
    const processStartedAt = performance.timeOrigin;
    const own = process.cpuUsage();
    const cpu = { user: own.user + workers.cpu.user, system: own.system + workers.cpu.system };
    const metrics: RunMetrics = {
      hsutReadyMs: this.hsutReadyMs,
      ...(firstResultAt ? { firstResultMs: Math.round(firstResultAt - processStartedAt) } : {}),
      suiteWallMs: Date.now() - this.suiteStartedAt,
      totalWallMs: Math.round(Date.now() - processStartedAt),
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      hsutBusyMs: unionLength(this.intervals),
      hsutRequests: this.intervals.length,
    };
    writeFileSync(join(outDir, 'run-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    return metrics;
  }
}

export function unionLength(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = sorted[0] ?? [0, 0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > end) {
      total += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  return Math.round(total + (end - start));
}
