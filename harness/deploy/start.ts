/** Starts the HSUT a run asked for and makes sure it is stopped whatever happens to the process. */
import { join } from 'node:path';
import { onTeardown } from './cleanup';
import { dockerEngine, removeRunContainers, requireLocalImage } from './docker-engine';
import { startComplement } from './complement';
import { startSynapse } from './synapse';
import type { RunHomeserver } from './types';
import { connectToUrl } from './url';
import { UsageError } from './usage-error';

export const DRIVERS = ['synapse', 'complement', 'url'] as const;
export type DriverName = (typeof DRIVERS)[number];

export interface DeployOptions {
  driver: DriverName;
  image?: string;
  url?: string;
  federationUrl?: string;
  serverName?: string;
  sharedSecret?: string;
  /** Leave the container running after the run (it is still removed on Ctrl-C during startup). */
  keep?: boolean;
  /** The file the container drivers append the HSUT log to (the run's <out>/hsut.log). */
  logFile?: string;
  /** The log file of a --url HSUT (read for transcripts). */
  hsutLog?: string;
  /** Extra environment for the HSUT container (container drivers; see container-env.ts). */
  env?: Record<string, string>;
}

export type { RunHomeserver } from './types';

export async function startHomeserver(options: DeployOptions): Promise<RunHomeserver> {
  const { logFile } = options;
  if (options.driver === 'url') {
    if (!options.url) throw new UsageError('--driver url needs --url CLIENT_URL (e.g. --url http://127.0.0.1:8008)');
    return connectToUrl({
      clientUrl: options.url,
      federationUrl: options.federationUrl,
      serverName: options.serverName,
      sharedSecret: options.sharedSecret,
      logFile: options.hsutLog,
    });
  }
  await dockerEngine();
  if (options.image) await requireLocalImage(options.image);
  // Registered before anything is created: a Ctrl-C during image build or startup removes half-started containers.
  const removeLabelled = onTeardown(removeRunContainers);
  const homeserver =
    options.driver === 'synapse'
      ? await startSynapse({ image: options.image, logFile, env: options.env })
      : await startComplement({ image: options.image, logFile, env: options.env });
  if (options.keep) {
    removeLabelled();
    return homeserver;
  }
  onTeardown(() => homeserver.stop());
  return homeserver;
}
