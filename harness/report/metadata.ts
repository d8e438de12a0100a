/**
 * What a run was: the server under test (implementation, the name and version it gives on
 * GET /_matrix/federation/v1/version, image or URL), the knockknock version and the command line. report.json
 * carries it; summary.md and the console name the server.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Agent, request } from 'undici';

export interface ServerMetadata {
  /** The driver's name for it: 'synapse', 'synapse:<image>', 'complement:<image>', 'url'. */
  implementation: string;
  /** `server.name` of /_matrix/federation/v1/version, e.g. "Synapse". */
  name?: string;
  /** `server.version` of /_matrix/federation/v1/version, e.g. "1.160.0". */
  version?: string;
  /** Why name and version are missing (the request failed). */
  versionError?: string;
  /** The container image, for the container drivers. */
  image?: string;
  serverName: string;
  clientUrl: string;
  federationUrl: string;
  /** How many instances of it the run used (--instances), when more than one; the rest is the first's. */
  instances?: number;
}

export interface RunMetadata {
  server?: ServerMetadata;
  knockknock: { version: string };
  /** The command line after `knockknock`, secrets redacted. */
  arguments?: string[];
}

const PACKAGE_JSON = resolve(__dirname, '..', '..', 'package.json');

export function knockknockVersion(): string {
  try {
    return String((JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** The server's name and version from GET /_matrix/federation/v1/version (any TLS certificate is accepted). */
export async function fetchServerVersion(
  federationUrl: string,
  timeoutMs = 5_000,
): Promise<{ name?: string; version?: string; error?: string }> {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const response = await request(`${federationUrl.replace(/\/$/, '')}/_matrix/federation/v1/version`, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      dispatcher,
    });
    const body = (await response.body.json().catch(() => undefined)) as { server?: { name?: unknown; version?: unknown } } | undefined;
    if (response.statusCode !== 200) return { error: `GET /_matrix/federation/v1/version answered ${response.statusCode}` };
    const name = typeof body?.server?.name === 'string' ? body.server.name : undefined;
    const version = typeof body?.server?.version === 'string' ? body.server.version : undefined;
    return {
      ...(name ? { name } : {}),
      ...(version ? { version } : {}),
      ...(!name && !version ? { error: 'GET /_matrix/federation/v1/version gave no server name or version' } : {}),
    };
  } catch (error) {
    return { error: `GET /_matrix/federation/v1/version failed: ${(error as Error).message}` };
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

export interface DescribableServer {
  implementation: string;
  serverName: string;
  clientUrl: string;
  federationUrl: string;
}

export async function describeServer(server: DescribableServer, image?: string): Promise<ServerMetadata> {
  const { name, version, error } = await fetchServerVersion(server.federationUrl);
  return {
    implementation: server.implementation,
    ...(name ? { name } : {}),
    ...(version ? { version } : {}),
    ...(error ? { versionError: error } : {}),
    ...(image ? { image } : {}),
    serverName: server.serverName,
    clientUrl: server.clientUrl,
    federationUrl: server.federationUrl,
  };
}

/** Flags whose value must not reach a report: the registration secret, and container environment values. */
const SECRET_FLAGS = new Set(['--shared-secret']);
const VALUE_REDACTED_FLAGS = new Set(['--env']);

/** The command line with `--shared-secret S` and the values of `--env KEY=VALUE` redacted. */
export function redactArguments(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const redact = (value: string) => (SECRET_FLAGS.has(flag) ? '<redacted>' : `${value.split('=', 1)[0]}=<redacted>`);
    if (SECRET_FLAGS.has(flag) || VALUE_REDACTED_FLAGS.has(flag)) {
      if (inline !== undefined) out.push(`${flag}=${redact(inline)}`);
      else {
        out.push(arg);
        if (i + 1 < args.length) out.push(redact(args[++i]));
      }
    } else out.push(arg);
  }
  return out;
}

/** "Synapse 1.160.0 (synapse, image knockknock-synapse:…)": the server as one line names it. */
export function describeServerLine(server: ServerMetadata): string {
  const named = [server.name, server.version].filter(Boolean).join(' ') || server.implementation;
  const where = server.image ? `image ${server.image}` : server.clientUrl;
  const instances = server.instances && server.instances > 1 ? `, ${server.instances} instances` : '';
  return `${named} (${server.implementation === named ? '' : `${server.implementation}, `}${where}${instances})`;
}
