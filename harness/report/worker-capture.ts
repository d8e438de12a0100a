/**
 * Mocha parallel mode: diagnostics-channel messages stay in the worker process, so this root-hook plugin
 * (load it in workers with mocha's `require` option) keeps each test's exchanges and warnings and writes them
 * to $KK_REPORT_CAPTURE_DIR/<test id>.json for failed tests and tests with warnings. The main-process reporter
 * reads the file when the test's events are replayed (a worker finishes a file before its events are sent).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Mocha from 'mocha';
import { subscribeHttpExchanges } from '../core/http-exchange';
import type { HttpExchange } from '../core/http-exchange';
import { subscribeWarnings } from '../match/warning-channel';
import type { SpecWarning } from '../match/warning-channel';
import type { ForwardedCapture } from './collector';
import { testIdFromTitle } from './test-id';
import { runContext } from '../core/run-context';
import { captureFileName } from './worker-capture-files';

let exchanges: HttpExchange[] = [];
let warnings: SpecWarning[] = [];
let startedAt = Date.now();
let subscribed = false;

export const mochaHooks = {
  beforeEach(): void {
    if (!subscribed) {
      subscribeHttpExchanges((exchange) => exchanges.push(exchange));
      subscribeWarnings((warning) => warnings.push(warning));
      subscribed = true;
    }
    exchanges = [];
    warnings = [];
    startedAt = Date.now();
  },
  afterEach(this: Mocha.Context): void {
    const dir = runContext().captureDir;
    const test = this.currentTest;
    if (!dir || !test || (test.state !== 'failed' && warnings.length === 0)) return;
    const capture: ForwardedCapture = { exchanges, warnings, startedAt, endedAt: Date.now() };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, captureFileName(testIdFromTitle(test.fullTitle()))), JSON.stringify(capture));
  },
};
