/**
 * The HSUT of this run, for suites: `const hs = currentHomeserver()` in before(). The run command sets it in
 * process and exports its description as env KK_HSUT (JSON) so mocha workers rebuild it with the url driver.
 */
import type { HomeserverDescription, RunHomeserver, StartedHomeserver } from './types';
import { homeserverFromDescription } from './url';

export const HSUT_ENV = 'KK_HSUT';

let current: StartedHomeserver | undefined;

export function setCurrentHomeserver(homeserver: RunHomeserver): void {
  current = homeserver;
  process.env[HSUT_ENV] = JSON.stringify(homeserver.describe());
}

export function clearCurrentHomeserver(): void {
  current = undefined;
  delete process.env[HSUT_ENV];
}

export function currentHomeserver(): StartedHomeserver {
  if (current) return current;
  const described = process.env[HSUT_ENV];
  if (!described) {
    throw new Error('no homeserver under test: run the suites with `node bin/knockknock.js run` (or set KK_HSUT)');
  }
  current = homeserverFromDescription(JSON.parse(described) as HomeserverDescription);
  return current;
}
