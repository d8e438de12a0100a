/**
 * Mocha parallel mode: the HTTP exchanges of a worker never reach the main process's metrics recorder, so
 * this root-hook plugin (loaded in every worker) appends the worker's HSUT request intervals to a file in
 * $KK_METRICS_DIR after each suite file, with the worker's CPU time; RunMetricsRecorder adds them up.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subscribeHttpExchanges } from '../core/http-exchange';
import { HSUT_ENV } from './current';
import { isHsutExchange, METRICS_DIR_ENV } from './run-metrics';

let intervals: Array<[number, number]> = [];
let subscribed = false;

export const mochaHooks = {
  beforeAll(): void {
    if (subscribed) return;
    subscribed = true;
    const serverName = (JSON.parse(process.env[HSUT_ENV] ?? '{}') as { serverName?: string }).serverName ?? '';
    subscribeHttpExchanges((exchange) => {
      if (isHsutExchange(exchange, serverName)) intervals.push([exchange.startedAt, exchange.startedAt + exchange.durationMs]);
    });
  },
  afterAll(): void {
    const dir = process.env[METRICS_DIR_ENV];
    if (!dir) return;
    // The worker's CPU time so far (cumulative: the last file a worker runs leaves its total).
    writeFileSync(join(dir, `cpu-${process.pid}.json`), JSON.stringify(process.cpuUsage()));
    if (intervals.length === 0) return;
    appendFileSync(join(dir, `hsut-intervals-${process.pid}.jsonl`), `${intervals.map((i) => JSON.stringify(i)).join('\n')}\n`);
    intervals = [];
  },
};
