/**
 * The `url` driver: an HSUT that is already running. Also how mocha workers rebuild the run's HSUT from the
 * KK_HSUT description (without the startup probe).
 */
import { Agent } from 'undici';
import { NetworkError, send } from '../http';
import { readMirroredLogs, readServerLog } from './log-buffer';
import { registerUser } from './registration';
import type { HomeserverDescription, RunHomeserver } from './types';
import { UsageError } from './usage-error';
import { probe } from './wait';

export interface UrlDriverOptions {
  clientUrl: string;
  federationUrl?: string;
  serverName?: string;
  sharedSecret?: string;
  logFile?: string;
}

/** A handle over a description; stop() does nothing (someone else owns the server). */
export function homeserverFromDescription(description: HomeserverDescription): RunHomeserver {
  return {
    implementation: description.implementation,
    serverName: description.serverName,
    clientUrl: description.clientUrl,
    federationUrl: description.federationUrl,
    federationCaPem: description.federationCaPem,
    registerUser: (opts) => registerUser(description.clientUrl, description.sharedSecret, opts),
    logs: async (sinceMs) =>
      description.logFile
        ? readMirroredLogs(description.logFile, sinceMs)
        : description.serverLogFile
          ? readServerLog(description.serverLogFile, sinceMs)
          : '',
    stop: async () => undefined,
    describe: () => ({ ...description }),
  };
}

export async function connectToUrl(options: UrlDriverOptions): Promise<RunHomeserver> {
  const clientUrl = stripSlash(options.clientUrl);
  const federationUrl = stripSlash(options.federationUrl ?? options.clientUrl);
  const reached = await probe(`${clientUrl}/_matrix/client/versions`, 5_000);
  if (reached.status !== 200 || reached.error) {
    const what = reached.error ?? `HTTP ${reached.status}`;
    throw new UsageError(
      `cannot reach the homeserver at --url ${clientUrl} (GET /_matrix/client/versions: ${what}): start it or fix --url`,
    );
  }
  const serverName = options.serverName ?? (await discoverServerName(federationUrl));
  return homeserverFromDescription({
    implementation: 'url',
    serverName,
    clientUrl,
    federationUrl,
    sharedSecret: options.sharedSecret,
    serverLogFile: options.logFile,
  });
}

/** The server's own name from its key document (any certificate accepted: test servers use private CAs). */
async function discoverServerName(federationUrl: string): Promise<string> {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const response = await send({ method: 'GET', url: `${federationUrl}/_matrix/key/v2/server`, dispatcher, timeoutMs: 5_000 });
    if (response.status === 200 && typeof response.body?.server_name === 'string') return response.body.server_name;
    throw new Error(`HTTP ${response.status}`);
  } catch (err) {
    const reason = err instanceof NetworkError ? err.reason : (err as Error).message;
    throw new UsageError(`cannot learn the server name from ${federationUrl}/_matrix/key/v2/server (${reason}): pass --server-name`);
  } finally {
    await dispatcher.close();
  }
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
