/**
 * The run's note that the HSUT died (written by harness/run/hsut-watch.ts in the main process, read by every
 * worker): once it exists, tests that have not started fail at once with HsutDiedError instead of each waiting
 * out its timeouts against a server that is gone, and waits in progress stop.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runContext } from '../core/run-context';

export interface HsutDeath {
  /** Wall-clock time the watcher noticed it. */
  at: number;
  /** How it ended ("exited with status 137 (killed)", "stopped answering …"). */
  reason: string;
}

const NOT_RUN = 'not run: the homeserver under test';

/** Not a verdict on the HSUT's behaviour: reporters count it as an infrastructure error (code). */
export class HsutDiedError extends Error {
  override name = 'HsutDiedError';
  readonly code = 'KK_NETWORK_ERROR';
  constructor(death: HsutDeath) {
    super(`${NOT_RUN} ${death.reason} at ${new Date(death.at).toISOString()}`);
  }
}

/** Whether a test's failure message is an HsutDiedError's (the test was not run), as it reaches the reporter. */
export function isNotRunMessage(message: string | undefined): boolean {
  return message?.startsWith(NOT_RUN) ?? false;
}

let known: HsutDeath | undefined;

export function recordHsutDeath(death: HsutDeath, file = runContext().hsutDeathFile): void {
  known = death;
  if (file) writeFileSync(file, JSON.stringify(death));
}

/** The death of this run's HSUT, if it has died (cheap: one stat until it has). */
export function hsutDeath(file = runContext().hsutDeathFile): HsutDeath | undefined {
  if (known || !file || !existsSync(file)) return known;
  try {
    known = JSON.parse(readFileSync(file, 'utf8')) as HsutDeath;
  } catch {
    return undefined; // being written: seen on the next call
  }
  return known;
}

export function throwIfHsutDied(): void {
  const death = hsutDeath();
  if (death) throw new HsutDiedError(death);
}
