/**
 * The root-hook plugin every mocha parallel worker loads (mocha's `require` option). What a worker observes
 * stays in the worker: diagnostics-channel messages and its own CPU time. So the worker writes, into directories
 * named by the run context,
 *   - each failed test's (or warned test's) exchanges and warnings (captureDir/<test id>.json), which the
 *     main-process reporter reads when the worker's events of that file are replayed;
 *   - its HSUT requests, interval and endpoint (metricsDir/hsut-requests-<pid>.jsonl), and its CPU time
 *     (metricsDir/cpu-<pid>.json), which RunMetricsRecorder adds up.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Mocha from 'mocha';
import { subscribeHttpExchanges, type HttpExchange } from '../core/http-exchange';
import { runContext } from '../core/run-context';
import { subscribeWarnings, type SpecWarning } from '../match/warning-channel';
import type { ForwardedCapture } from '../report/collector';
import { testIdFromTitle } from '../report/test-id';
import { captureFileName } from '../report/worker-capture-files';
import { chosenHomeserverName } from '../deploy/current';
import { hsutRequestOf, isHsutExchange, type HsutRequest } from './metrics';

let subscribed = false;
let exchanges: HttpExchange[] = [];
let warnings: SpecWarning[] = [];
let testStartedAt = Date.now();
let hsutRequests: HsutRequest[] = [];

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  const serverNames = ((runContext().hsuts ?? []) as Array<{ serverName: string }>).map((hs) => hs.serverName);
  subscribeHttpExchanges((exchange) => {
    exchanges.push(exchange);
    if (isHsutExchange(exchange, serverNames)) hsutRequests.push(hsutRequestOf(exchange));
  });
  subscribeWarnings((warning) => warnings.push(warning));
}

export const mochaHooks = {
  // Root beforeAll runs before each file, so before any test's beforeEach.
  beforeAll(): void {
    subscribeOnce();
  },
  beforeEach(): void {
    exchanges = [];
    warnings = [];
    testStartedAt = Date.now();
  },
  afterEach(this: Mocha.Context): void {
    const dir = runContext().captureDir;
    const test = this.currentTest;
    if (!dir || !test || (test.state !== 'failed' && warnings.length === 0)) return;
    const hsut = (runContext().hsuts?.length ?? 0) > 1 ? chosenHomeserverName() : undefined;
    const capture: ForwardedCapture = { exchanges, warnings, startedAt: testStartedAt, endedAt: Date.now(), ...(hsut ? { hsut } : {}) };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, captureFileName(testIdFromTitle(test.fullTitle()))), JSON.stringify(capture));
  },
  afterAll(): void {
    const dir = runContext().metricsDir;
    if (!dir) return;
    // Cumulative: the last file a worker runs leaves its total.
    writeFileSync(join(dir, `cpu-${process.pid}.json`), JSON.stringify(process.cpuUsage()));
    if (hsutRequests.length === 0) return;
    appendFileSync(join(dir, `hsut-requests-${process.pid}.jsonl`), `${hsutRequests.map((r) => JSON.stringify(r)).join('\n')}\n`);
    hsutRequests = [];
  },
};
