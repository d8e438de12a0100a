/**
 * The `complement` driver: any image following Complement's image contract (matrix-org/complement README,
 * "Image requirements" and "Complement PKI"): server name from env SERVER_NAME, client HTTP on 8008,
 * federation HTTPS on 8448, CA mounted at /complement/ca (ca.crt, ca.key), registration shared secret
 * 'complement' for /_synapse/admin/v1/register. With host networking the ports are fixed, so they must be free.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbstractStartedContainer, type StartedTestContainer } from 'testcontainers';
import { writeComplementCa } from './complement-ca';
import { HomeserverContainer } from './container-homeserver';
import { containerCpuTimeMs, containerExitStatus } from './docker-engine';
import { ensureComplementSynapseImage } from './images';
import type { LogBuffer } from './log-buffer';
import { isPortFree } from './ports';
import { registerUser } from './registration';
import type { RunHomeserver } from './types';
import { UsageError } from './usage-error';

export const COMPLEMENT_CLIENT_PORT = 8008;
export const COMPLEMENT_FEDERATION_PORT = 8448;
export const COMPLEMENT_SHARED_SECRET = 'complement';
export const COMPLEMENT_CA_MOUNT = '/complement/ca';

export class ComplementContainer extends HomeserverContainer {
  private serverName = `localhost:${COMPLEMENT_FEDERATION_PORT}`;
  private caDir?: string;
  private extraEnv: Record<string, string> = {};

  /** Extra container environment (--env, COMPLEMENT_SHARE_ENV_PREFIX); SERVER_NAME and BIND_ADDRESS stay ours. */
  withExtraEnvironment(env: Record<string, string>): this {
    this.extraEnv = { ...this.extraEnv, ...env };
    return this;
  }

  override async start(): Promise<StartedComplementHomeserver> {
    const busy: number[] = [];
    for (const port of [COMPLEMENT_CLIENT_PORT, COMPLEMENT_FEDERATION_PORT]) {
      if (!(await isPortFree(port))) busy.push(port);
    }
    if (busy.length) {
      throw new UsageError(
        `port ${busy.join(' and ')} already in use on this machine: the complement driver runs the image on the host network ` +
          `with its fixed ports 8008/8448; stop what listens there (ss -ltnp | grep -E ':(8008|8448)') or use --driver synapse`,
      );
    }
    const ownCaDir = this.caDir ? undefined : mkdtempSync(join(tmpdir(), 'knockknock-ca-'));
    const caDir = this.caDir ?? ownCaDir!;
    if (ownCaDir) await writeComplementCa(ownCaDir);
    // BIND_ADDRESS is our image's extra (others ignore it): with host networking, listen on loopback only.
    this.withEnvironment({ ...this.extraEnv, SERVER_NAME: this.serverName, BIND_ADDRESS: '127.0.0.1' }).withBindMounts([
      { source: caDir, target: COMPLEMENT_CA_MOUNT, mode: 'ro' },
    ]);
    const clientUrl = `http://127.0.0.1:${COMPLEMENT_CLIENT_PORT}`;
    try {
      const started = await this.startAndWaitForClientApi(clientUrl, `Complement image ${this.imageName.string} (${this.serverName})`);
      return new StartedComplementHomeserver(
        started,
        {
          serverName: this.serverName,
          clientUrl,
          federationUrl: `https://127.0.0.1:${COMPLEMENT_FEDERATION_PORT}`,
          caDir,
        },
        this.logBuffer,
        () => ownCaDir && rmSync(ownCaDir, { recursive: true, force: true }),
      );
    } catch (err) {
      if (ownCaDir) rmSync(ownCaDir, { recursive: true, force: true });
      throw err;
    }
  }
}

export class StartedComplementHomeserver extends AbstractStartedContainer {
  constructor(
    startedTestContainer: StartedTestContainer,
    readonly endpoints: { serverName: string; clientUrl: string; federationUrl: string; caDir: string },
    private readonly logBuffer: LogBuffer,
    private readonly removeCa: () => unknown,
  ) {
    super(startedTestContainer);
  }

  protected override async containerStopped(): Promise<void> {
    this.removeCa();
  }

  asHomeserver(implementation: string, logFile?: string): RunHomeserver {
    const { serverName, clientUrl, federationUrl, caDir } = this.endpoints;
    const federationCaPem = readFileSync(join(caDir, 'ca.crt'), 'utf8');
    return {
      implementation,
      serverName,
      clientUrl,
      federationUrl,
      federationCaPem,
      registerUser: (opts) => registerUser(clientUrl, COMPLEMENT_SHARED_SECRET, opts),
      logs: async (sinceMs) => this.logBuffer.text(sinceMs),
      cpuTimeMs: () => containerCpuTimeMs(this.getId()),
      exitStatus: () => containerExitStatus(this.getId()),
      stop: async () => {
        await this.stop({ timeout: 5_000 });
      },
      describe: () => ({
        implementation,
        serverName,
        clientUrl,
        federationUrl,
        sharedSecret: COMPLEMENT_SHARED_SECRET,
        logFile,
        federationCaPem,
      }),
    };
  }
}

export interface ComplementDriverOptions {
  /** Any Complement-contract image; default: the project's Complement-style Synapse image. */
  image?: string;
  logFile?: string;
  /** Extra container environment (see container-env.ts). */
  env?: Record<string, string>;
}

export async function startComplement(options: ComplementDriverOptions = {}): Promise<RunHomeserver> {
  const image = options.image ?? (await ensureComplementSynapseImage());
  const started = await new ComplementContainer(image, options.logFile).withExtraEnvironment(options.env ?? {}).start();
  return started.asHomeserver(`complement:${image}`, options.logFile);
}
