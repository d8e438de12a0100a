/**
 * The HSUT of this run, for suites: `const hs = currentHomeserver()` in before(). The run sets the instances in
 * process and publishes their descriptions in the run context, so mocha workers rebuild them with the url driver.
 * With several instances, each worker process keeps to one: it claims the lowest free slot number in the run's
 * slot directory (an exclusive file create, so two workers never share a number) and takes instance slot mod N;
 * mocha forks --jobs workers, so a multiple of N spreads them evenly, and every test runs against exactly one HSUT.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { publishRunContext, runContext } from '../core/run-context';
import type { HomeserverDescription, RunHomeserver, StartedHomeserver } from './types';
import { homeserverFromDescription } from './url';

let current: StartedHomeserver | undefined;

export function setCurrentHomeservers(instances: RunHomeserver[], workerSlotsDir?: string): void {
  current = instances[0];
  publishRunContext({ hsuts: instances.map((hs) => hs.describe()), workerSlotsDir });
}

export function clearCurrentHomeservers(): void {
  current = undefined;
  publishRunContext({ hsuts: undefined, workerSlotsDir: undefined });
}

export function currentHomeserver(): StartedHomeserver {
  if (current) return current;
  const described = (runContext().hsuts ?? []) as HomeserverDescription[];
  if (described.length === 0) throw new Error('no homeserver under test: run the suites with `node bin/knockknock.js run`');
  const index = described.length > 1 ? claimWorkerSlot(runContext().workerSlotsDir) % described.length : 0;
  current = homeserverFromDescription(described[index] as HomeserverDescription);
  return current;
}

/** The server name of the instance this process runs its tests against, once it has chosen one. */
export function chosenHomeserverName(): string | undefined {
  return current?.serverName;
}

/** The lowest slot number no other process has claimed in `dir` (0 without a directory). */
export function claimWorkerSlot(dir: string | undefined): number {
  if (!dir) return 0;
  for (let slot = 0; slot < 1024; slot += 1) {
    let fd: number;
    try {
      fd = openSync(join(dir, String(slot)), 'wx');
    } catch {
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return slot;
  }
  return process.pid;
}
