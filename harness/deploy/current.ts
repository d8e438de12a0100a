/**
 * The HSUT of this run, for suites: `const hs = currentHomeserver()` in before(). The run command sets it in
 * process and publishes its description in the run context so mocha workers rebuild it with the url driver.
 */
import { publishRunContext, runContext } from '../core/run-context';
import type { HomeserverDescription, RunHomeserver, StartedHomeserver } from './types';
import { homeserverFromDescription } from './url';

let current: StartedHomeserver | undefined;

export function setCurrentHomeserver(homeserver: RunHomeserver): void {
  current = homeserver;
  publishRunContext({ hsut: homeserver.describe() });
}

export function clearCurrentHomeserver(): void {
  current = undefined;
  publishRunContext({ hsut: undefined });
}

export function currentHomeserver(): StartedHomeserver {
  if (current) return current;
  const described = runContext().hsut;
  if (!described) throw new Error('no homeserver under test: run the suites with `node bin/knockknock.js run`');
  current = homeserverFromDescription(described as HomeserverDescription);
  return current;
}
