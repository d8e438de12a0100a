/** Reaching the Docker engine, and removing what this process created there. */
import { withDeadline } from '../core/deadline';
import { randomBytes } from 'node:crypto';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { Agent, request } from 'undici';
import { startDockerEngine } from './provision';
import { UsageError } from './usage-error';

// Ryuk (testcontainers' reaper) is an image we cannot pull; cleanup is ours (cleanup.ts).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

/** Every container this process starts carries this label, so cleanup can find half-started ones too. */
export const RUN_LABEL = 'knockknock.run';
export const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`;

const ENGINE_TIMEOUT_MS = 15_000;

export async function dockerEngine(): Promise<ContainerRuntimeClient> {
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const fix =
    'install and start it (Debian: sudo apt-get install -y docker.io && sudo systemctl start docker, or run dockerd), ' +
    'set DOCKER_HOST to a working engine, or use --driver url';
  // testcontainers falls back to the default socket when DOCKER_HOST does not answer; an explicit DOCKER_HOST
  // must be the engine we use, so it is checked first.
  if (process.env.DOCKER_HOST && !(await dockerHostAnswers(process.env.DOCKER_HOST))) {
    throw new UsageError(`no Docker engine reachable at DOCKER_HOST=${where}: ${fix}`);
  }
  const client = await runtimeClient();
  if (client) return client;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (await startDockerEngine(log, async () => (await runtimeClient()) !== undefined)) {
    const started = await runtimeClient();
    if (started) return started;
  }
  throw new UsageError(`no Docker engine reachable at ${where}: ${fix}`);
}

let cachedClient: ContainerRuntimeClient | undefined;

/** testcontainers' client for the engine, or undefined when none answers in time. */
async function runtimeClient(): Promise<ContainerRuntimeClient | undefined> {
  if (cachedClient) return cachedClient;
  try {
    cachedClient = await withDeadline(getContainerRuntimeClient(), ENGINE_TIMEOUT_MS, 'the Docker engine');
    return cachedClient;
  } catch {
    return undefined;
  }
}

/** Force-removes every container labelled with this run's id (idempotent). */
export async function removeRunContainers(): Promise<number> {
  const client = await getContainerRuntimeClient();
  const found = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${RUN_LABEL}=${RUN_ID}`] },
  });
  await Promise.all(
    found.map((info) =>
      client.container.dockerode
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return found.length;
}

const STATS_TIMEOUT_MS = 5_000;

/**
 * CPU time a container has used so far (ms, all its processes), from the engine's one-shot stats; undefined
 * when the engine does not say in time. The benchmark compares it with wall time: an HSUT near 100 % of one
 * core is the run's bottleneck, whatever the harness does.
 */
export async function containerCpuTimeMs(containerId: string): Promise<number | undefined> {
  try {
    const client = await getContainerRuntimeClient();
    const stats = (await withDeadline(
      client.container.dockerode.getContainer(containerId).stats({ stream: false, 'one-shot': true } as { stream: false }),
      STATS_TIMEOUT_MS,
      'container stats',
    )) as { cpu_stats?: { cpu_usage?: { total_usage?: number } } };
    const nanoseconds = stats.cpu_stats?.cpu_usage?.total_usage;
    return typeof nanoseconds === 'number' && nanoseconds > 0 ? Math.round(nanoseconds / 1e6) : undefined;
  } catch {
    return undefined;
  }
}

/** Fails with a usage error, before any container starts, when `image` is not on the engine (nothing is pulled). */
export async function requireLocalImage(image: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  try {
    await client.container.dockerode.getImage(image).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    throw new UsageError(
      `--image ${image}: no such image on this machine's Docker engine (docker images lists what there is); build or load it first`,
    );
  }
}

/**
 * Undefined while the container runs; otherwise how it ended ("exited with status 137 (killed)", "was removed").
 * An engine that does not answer in time counts as running: the watcher asks again.
 */
export async function containerExitStatus(containerId: string): Promise<string | undefined> {
  try {
    const client = await getContainerRuntimeClient();
    const info = (await withDeadline(
      client.container.dockerode.getContainer(containerId).inspect(),
      STATS_TIMEOUT_MS,
      'container inspect',
    )) as {
      State?: { Running?: boolean; ExitCode?: number; OOMKilled?: boolean; Status?: string };
    };
    const state = info.State;
    if (!state || state.Running) return undefined;
    const why = state.OOMKilled ? ' (out of memory)' : state.ExitCode === 137 ? ' (killed)' : state.ExitCode === 143 ? ' (terminated)' : '';
    return `exited with status ${state.ExitCode ?? '?'}${why}`;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    return status === 404 ? 'was removed' : undefined;
  }
}

/** GET /_ping on a unix:// or tcp:// (plain HTTP) DOCKER_HOST. Other schemes are left to testcontainers. */
async function dockerHostAnswers(dockerHost: string): Promise<boolean> {
  let url: string;
  let dispatcher: Agent | undefined;
  if (dockerHost.startsWith('unix://')) {
    dispatcher = new Agent({ connect: { socketPath: dockerHost.slice('unix://'.length) } });
    url = 'http://localhost/_ping';
  } else if (dockerHost.startsWith('tcp://') && !process.env.DOCKER_TLS_VERIFY) {
    url = `http://${dockerHost.slice('tcp://'.length)}/_ping`;
  } else {
    return true;
  }
  try {
    const response = await request(url, { dispatcher, signal: AbortSignal.timeout(5_000) });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  } finally {
    await dispatcher?.close();
  }
}
