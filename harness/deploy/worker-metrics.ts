/**
 * Mocha parallel mode: the HTTP exchanges of a worker never reach the main process's metrics recorder, so
 * this root-hook plugin (loaded in every worker) appends the worker's HSUT requests (interval and endpoint) to a file in
 * the run context's metricsDir after each suite file, with the worker's CPU time; RunMetricsRecorder adds them up.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subscribeHttpExchanges } from '../core/http-exchange';
import { runContext } from '../core/run-context';
import { hsutRequestOf, isHsutExchange, type HsutRequest } from './run-metrics';

let requests: HsutRequest[] = [];
let subscribed = false;

export const mochaHooks = {
  beforeAll(): void {
    if (subscribed) return;
    subscribed = true;
    const serverName = (runContext().hsut as { serverName?: string } | undefined)?.serverName ?? '';
    subscribeHttpExchanges((exchange) => {
      if (isHsutExchange(exchange, serverName)) requests.push(hsutRequestOf(exchange));
    });
  },
  afterAll(): void {
    const dir = runContext().metricsDir;
    if (!dir) return;
    // The worker's CPU time so far (cumulative: the last file a worker runs leaves its total).
    writeFileSync(join(dir, `cpu-${process.pid}.json`), JSON.stringify(process.cpuUsage()));
    if (requests.length === 0) return;
    appendFileSync(join(dir, `hsut-requests-${process.pid}.jsonl`), `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
    requests = [];
  },
};
