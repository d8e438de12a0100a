/**
 * Timings of one run, written to <out>/run-metrics.json for the benchmark: HSUT readiness, first result,
 * wall and CPU time, and how long the harness spent waiting on the HSUT (the union of the intervals of every
 * request to it, so concurrent requests count once).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishRunContext } from '../core/run-context';
import { subscribeHttpExchanges, tryDecodeURIComponent, type HttpExchange } from '../core/http-exchange';

/** A request from the harness to the HSUT: any client-server call, or a federation call addressed to it. */
export function isHsutExchange(exchange: HttpExchange, hsutServerNames: readonly string[]): boolean {
  return (
    exchange.actor === 'cs-client' ||
    (exchange.actor === 'federation-client' && hsutServerNames.some((name) => exchange.to.startsWith(`${name} `)))
  );
}

/** One request to the HSUT: when it ran and which endpoint it hit (path with IDs replaced by placeholders). */
export type HsutRequest = [start: number, end: number, route: string];

/** `GET /_matrix/client/v3/rooms/!a:b/state` → `GET /_matrix/client/v3/rooms/{id}/state`. */
export function routeOf(method: string, url: string): string {
  const path = (url.startsWith('/') ? url : new URL(url).pathname).split('?')[0] ?? '';
  const segments = path.split('/').map((segment) => {
    const decoded = tryDecodeURIComponent(segment);
    return /^[!@$#]/.test(decoded) || decoded.includes(':') || /^\d+$/.test(decoded) || /^(kk|m)[-.]?\w*\d/.test(decoded)
      ? '{id}'
      : segment;
  });
  return `${method} ${segments.join('/')}`;
}

export interface EndpointTime {
  route: string;
  requests: number;
  totalMs: number;
  meanMs: number;
}

/** The endpoints the HSUT spent the most time answering (durations summed, so concurrent requests each count). */
export function hsutTimeByEndpoint(requests: HsutRequest[], top = 15): EndpointTime[] {
  const byRoute = new Map<string, { requests: number; totalMs: number }>();
  for (const [start, end, route] of requests) {
    const entry = byRoute.get(route) ?? { requests: 0, totalMs: 0 };
    entry.requests += 1;
    entry.totalMs += end - start;
    byRoute.set(route, entry);
  }
  return [...byRoute.entries()]
    .map(([route, { requests: count, totalMs }]) => ({
      route,
      requests: count,
      totalMs: Math.round(totalMs),
      meanMs: Math.round((totalMs / count) * 10) / 10,
    }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
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
  /** CPU time the HSUT used while the suites ran (container drivers), and that as a share of suite wall time. */
  hsutCpuMs?: number;
  hsutCpuShare?: number;
  hsutRequests: number;
  hsutTimeByEndpoint: EndpointTime[];
}

export class RunMetricsRecorder {
  private readonly requests: HsutRequest[] = [];
  private readonly unsubscribe: () => void;
  private suiteStartedAt = 0;
  private hsutReadyMs = 0;

  private readonly workerDir: string;

  constructor(hsutServerNames: readonly string[], outDir: string) {
    this.unsubscribe = subscribeHttpExchanges((exchange) => {
      if (isHsutExchange(exchange, hsutServerNames)) this.requests.push(hsutRequestOf(exchange));
    });
    this.workerDir = join(outDir, '.metrics');
    rmSync(this.workerDir, { recursive: true, force: true });
    mkdirSync(this.workerDir, { recursive: true });
    publishRunContext({ metricsDir: this.workerDir }); // parallel workers are forked later and inherit it
  }

  /** What parallel workers left: their HSUT request intervals and their CPU time (µs). */
  private workerFiles(): { requests: HsutRequest[]; cpu: { user: number; system: number } } {
    const found = { requests: [] as HsutRequest[], cpu: { user: 0, system: 0 } };
    if (!existsSync(this.workerDir)) return found;
    for (const file of readdirSync(this.workerDir)) {
      const text = readFileSync(join(this.workerDir, file), 'utf8');
      if (file.startsWith('cpu-')) {
        const usage = JSON.parse(text) as { user: number; system: number };
        found.cpu.user += usage.user;
        found.cpu.system += usage.system;
      } else {
        found.requests.push(
          ...text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as HsutRequest),
        );
      }
    }
    rmSync(this.workerDir, { recursive: true, force: true });
    return found;
  }

  hsutReady(ms: number): void {
    this.hsutReadyMs = ms;
  }

  private hsutCpuAtStart?: number;

  /** `hsutCpuMs`: the HSUT's CPU time so far, if its driver can tell. */
  suiteStarted(hsutCpuMs?: number): void {
    this.suiteStartedAt = Date.now();
    this.hsutCpuAtStart = hsutCpuMs;
  }

  /** `firstResultAt`: wall-clock time the first test finished, if any ran. */
  write(outDir: string, firstResultAt?: number, hsutCpuMsAtEnd?: number): RunMetrics {
    this.unsubscribe();
    const workers = this.workerFiles();
    this.requests.push(...workers.requests);
    const processStartedAt = performance.timeOrigin;
    const own = process.cpuUsage();
    const cpu = { user: own.user + workers.cpu.user, system: own.system + workers.cpu.system };
    const suiteWallMs = Date.now() - this.suiteStartedAt;
    const hsutCpuMs = hsutCpuMsAtEnd !== undefined && this.hsutCpuAtStart !== undefined ? hsutCpuMsAtEnd - this.hsutCpuAtStart : undefined;
    const metrics: RunMetrics = {
      hsutReadyMs: this.hsutReadyMs,
      ...(firstResultAt ? { firstResultMs: Math.round(firstResultAt - processStartedAt) } : {}),
      suiteWallMs,
      totalWallMs: Math.round(Date.now() - processStartedAt),
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      hsutBusyMs: unionLength(this.requests.map(([start, end]) => [start, end])),
      ...(hsutCpuMs !== undefined ? { hsutCpuMs, hsutCpuShare: Number((hsutCpuMs / suiteWallMs).toFixed(3)) } : {}),
      hsutRequests: this.requests.length,
      hsutTimeByEndpoint: hsutTimeByEndpoint(this.requests),
    };
    writeFileSync(join(outDir, 'run-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    return metrics;
  }
}

export function hsutRequestOf(exchange: HttpExchange): HsutRequest {
  return [exchange.startedAt, exchange.startedAt + exchange.durationMs, routeOf(exchange.method, exchange.url)];
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
