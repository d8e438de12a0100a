/**
 * What a run needs on the machine and may install itself, the way `npx playwright install --with-deps` does: on
 * Debian or Ubuntu as root, a missing package is installed with apt-get and the Docker engine is started, each
 * announced in one line. Anywhere else (or when that fails) the answer is a usage error naming the command to run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { UsageError } from './usage-error';

const APT_TIMEOUT_MS = 10 * 60_000;

function onPath(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Root on a machine with apt-get: the only place this module installs anything. */
export function canProvision(): boolean {
  return process.getuid?.() === 0 && onPath('apt-get') && process.env.KK_NO_PROVISION === undefined;
}

let aptUpdated = false;

/** Makes sure `binary` is on PATH, installing Debian package `pkg` if it may; else a usage error with the fix. */
export function ensureDebianPackage(binary: string, pkg: string, why: string, log: (line: string) => void): void {
  if (onPath(binary)) return;
  const fix = `sudo apt-get install -y ${pkg}`;
  if (!canProvision()) throw new UsageError(`${binary} is missing (${why}): install it with \`${fix}\``);
  log(`knockknock: installing ${pkg} with apt-get (${why})…`);
  try {
    const options = { stdio: 'ignore' as const, timeout: APT_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    if (!aptUpdated) execFileSync('apt-get', ['update', '-qq'], options);
    aptUpdated = true;
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], options);
  } catch (error) {
    throw new UsageError(`installing ${pkg} failed (${(error as Error).message.split('\n')[0]}): run \`${fix}\` yourself`);
  }
  if (!onPath(binary)) throw new UsageError(`${pkg} was installed but ${binary} is still not on PATH: run \`${fix}\` yourself`);
}

/**
 * Starts a Docker engine when none answers on the default socket and this process may: installs docker.io if
 * needed and runs dockerd in the background (log: /tmp/knockknock-dockerd.log). Returns whether it started one.
 */
export async function startDockerEngine(log: (line: string) => void, answers: () => Promise<boolean>): Promise<boolean> {
  if (process.env.DOCKER_HOST || !canProvision()) return false;
  ensureDebianPackage('dockerd', 'docker.io', 'the Docker engine the HSUT containers run in', log);
  log('knockknock: starting the Docker engine (dockerd in the background, log /tmp/knockknock-dockerd.log)…');
  const out = openSync('/tmp/knockknock-dockerd.log', 'a');
  const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
  daemon.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync('/var/run/docker.sock') && (await answers())) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
