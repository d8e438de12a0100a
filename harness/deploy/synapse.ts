/**
 * The `synapse` driver: Synapse from Debian packages in a host-network container, configured by the harness
 * (server name localhost:PORT on a free port, open registration, loopback federation, console logging).
 */
import { randomBytes } from 'node:crypto';
import { AbstractStartedContainer, type StartedTestContainer } from 'testcontainers';
import { HomeserverContainer } from './container-homeserver';
import { containerCpuTimeMs, containerExitStatus } from './docker-engine';
import { ensureSynapseBaseImage } from './images';
import type { LogBuffer } from './log-buffer';
import { freePort } from './ports';
import { registerUser } from './registration';
import {
  SYNAPSE_CONFIG_PATH,
  SYNAPSE_DATA_DIR,
  SYNAPSE_DB_DIR,
  generateSynapseSigningKey,
  synapseHomeserverConfig,
  synapseLogConfig,
  toYaml,
} from './synapse-config';
import type { RegisterUserOptions, RegisteredUser, RunHomeserver } from './types';

export class SynapseContainer extends HomeserverContainer {
  private port?: number;
  private sharedSecret = randomBytes(16).toString('hex');
  private overrides: Record<string, unknown> = {};

  constructor(image: string, logFile?: string) {
    super(image, logFile);
    this.withCommand(['python3', '-m', 'synapse.app.homeserver', '-c', SYNAPSE_CONFIG_PATH])
      .withWorkingDir(SYNAPSE_DATA_DIR)
      .withTmpFs({ [SYNAPSE_DB_DIR]: 'rw,size=1g' });
  }

  override async start(): Promise<StartedSynapse> {
    const port = this.port ?? (await freePort());
    const serverName = `localhost:${port}`;
    const config = synapseHomeserverConfig({ serverName, port, sharedSecret: this.sharedSecret, overrides: this.overrides });
    this.withCopyContentToContainer([
      { content: toYaml(config), target: SYNAPSE_CONFIG_PATH },
      { content: toYaml(synapseLogConfig()), target: `${SYNAPSE_DATA_DIR}/log.config` },
      { content: generateSynapseSigningKey(), target: `${SYNAPSE_DATA_DIR}/signing.key` },
    ]);
    const baseUrl = `http://127.0.0.1:${port}`;
    const started = await this.startAndWaitForClientApi(baseUrl, `Synapse (${serverName})`);
    return new StartedSynapse(
      started,
      { serverName, clientUrl: baseUrl, federationUrl: baseUrl, sharedSecret: this.sharedSecret },
      this.logBuffer,
    );
  }
}

export class StartedSynapse extends AbstractStartedContainer {
  constructor(
    startedTestContainer: StartedTestContainer,
    readonly endpoints: { serverName: string; clientUrl: string; federationUrl: string; sharedSecret: string },
    private readonly logBuffer: LogBuffer,
  ) {
    super(startedTestContainer);
  }

  homeserverLogs(sinceMs?: number): string {
    return this.logBuffer.text(sinceMs);
  }

  /** The driver-neutral handle the suites use. */
  asHomeserver(implementation = 'synapse', logFile?: string): RunHomeserver {
    const { serverName, clientUrl, federationUrl, sharedSecret } = this.endpoints;
    return {
      implementation,
      serverName,
      clientUrl,
      federationUrl,
      registerUser: (opts?: RegisterUserOptions): Promise<RegisteredUser> => registerUser(clientUrl, sharedSecret, opts),
      logs: async (sinceMs?: number) => this.homeserverLogs(sinceMs),
      cpuTimeMs: () => containerCpuTimeMs(this.getId()),
      exitStatus: () => containerExitStatus(this.getId()),
      stop: async () => {
        await this.stop({ timeout: 5_000 });
      },
      describe: () => ({ implementation, serverName, clientUrl, federationUrl, sharedSecret, logFile }),
    };
  }
}

export interface SynapseDriverOptions {
  image?: string;
  logFile?: string;
  /** Extra container environment (see container-env.ts). */
  env?: Record<string, string>;
}

export async function startSynapse(options: SynapseDriverOptions = {}): Promise<RunHomeserver> {
  const image = options.image ?? (await ensureSynapseBaseImage());
  const container = new SynapseContainer(image, options.logFile);
  if (options.env && Object.keys(options.env).length) container.withEnvironment(options.env);
  const started = await container.start();
  return started.asHomeserver(options.image ? `synapse:${options.image}` : 'synapse', options.logFile);
}
