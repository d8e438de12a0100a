/**
 * Watches the HSUT while the suites run. A container that exits (the engine says so) or a server that stops
 * answering GET /_matrix/client/versions three times in a row is dead: the watcher records it (the testkit then
 * fails every test that has not started as "not run", and stops waits in progress) and calls `onDeath` once.
 */
import type { StartedHomeserver } from '../deploy/types';
import { probe } from '../deploy/wait';
import { isInfrastructureFailure, type TestRecord } from '../report/results';
import { isNotRunMessage, recordHsutDeath, type HsutDeath } from '../testkit/hsut-death';

export interface HsutWatchOptions {
  intervalMs?: number;
  /** Consecutive unanswered probes that make a server without an engine to ask (`--url`) dead. */
  misses?: number;
  probeTimeoutMs?: number;
  onDeath?: (death: HsutDeath) => void;
}

export interface HsutWatch {
  /** The death, once noticed. */
  death(): HsutDeath | undefined;
  stop(): void;
}

export function watchHomeserver(hs: Pick<StartedHomeserver, 'clientUrl' | 'exitStatus'>, options: HsutWatchOptions = {}): HsutWatch {
  const intervalMs = options.intervalMs ?? 250;
  const misses = options.misses ?? 3;
  let found: HsutDeath | undefined;
  let missed = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const died = (reason: string) => {
    found = { at: Date.now(), reason };
    recordHsutDeath(found);
    options.onDeath?.(found);
  };

  const check = async (): Promise<void> => {
    if (hs.exitStatus) {
      const status = await hs.exitStatus();
      if (status) return died(status);
      return;
    }
    const answer = await probe(`${hs.clientUrl}/_matrix/client/versions`, options.probeTimeoutMs ?? 2_000);
    if (answer.status === 200 && !answer.error) {
      missed = 0;
      return;
    }
    missed += 1;
    if (missed >= misses)
      died(`stopped answering GET /_matrix/client/versions (${answer.error ?? `HTTP ${answer.status}`}, ${misses} times in a row)`);
  };

  const schedule = () => {
    timer = setTimeout(() => {
      void check()
        .catch(() => undefined)
        .finally(() => {
          if (!stopped && !found) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    death: () => found,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** What the run says once it is over: during which tests, how, how many were not run, the last log lines. */
export function describeDeath(
  death: HsutDeath,
  records: ReadonlyArray<Pick<TestRecord, 'fullTitle' | 'outcome' | 'failedHook' | 'error'>>,
  logTail: string,
): string {
  // In flight when it died: the tests that failed on the infrastructure without being "not run".
  const inFlight = records.filter((r) => isInfrastructureFailure(r) && !isNotRun(r));
  const notRun = records.filter(isNotRun).length;
  const plural = (n: number) => `${n} test${n === 1 ? '' : 's'}`;
  const during = inFlight.length > 0 ? ` while "${inFlight[0].fullTitle}" ran` : '';
  const lost = inFlight.length > 1 ? `${plural(inFlight.length - 1)} more failed on the lost connection before the run stopped, ` : '';
  const lines = [
    `knockknock: the homeserver under test ${death.reason}${during}; ${lost}${plural(notRun)} reported as not run. Its last log lines:`,
    ...logTail
      .trimEnd()
      .split('\n')
      .slice(-15)
      .map((line) => `  | ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

function isNotRun(record: Pick<TestRecord, 'error'>): boolean {
  return isNotRunMessage(record.error?.message);
}
