/**
 * What the container drivers share: a GenericContainer on the host network, labelled for cleanup, whose logs
 * stream into a LogBuffer; readiness is polled on /_matrix/client/versions (testcontainers' HTTP wait strategy
 * does not work in host mode) and a container that exits first reports its last log lines.
 */
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { DeployError } from './types';
import { LogBuffer } from './log-buffer';
import { RUN_ID, RUN_LABEL } from './docker-engine';
import { waitForClientApi } from './wait';

export const DEFAULT_STARTUP_TIMEOUT_MS = 120_000;

let containersInThisProcess = 0;

/** Base for the HSUT containers: host network, run label, log capture. */
export abstract class HomeserverContainer extends GenericContainer {
  protected readonly logBuffer: LogBuffer;
  protected exited = false;
  protected readyTimeoutMs = DEFAULT_STARTUP_TIMEOUT_MS;

  constructor(image: string, logFile?: string) {
    super(image);
    this.logBuffer = new LogBuffer(logFile);
    this.withName(`knockknock-hsut-${RUN_ID}-${++containersInThisProcess}`)
      .withNetworkMode('host')
      .withLabels({ [RUN_LABEL]: RUN_ID, 'knockknock.role': 'hsut' })
      .withLogConsumer((stream) => {
        this.logBuffer.consume(stream);
        stream.on('end', () => {
          this.exited = true;
        });
      });
  }

  /** Starts the container and waits until the client API answers, or fails with the container's last log lines. */
  protected async startAndWaitForClientApi(clientUrl: string, what: string): Promise<StartedTestContainer> {
    const started = await super.start();
    try {
      await waitForClientApi(clientUrl, {
        timeoutMs: this.readyTimeoutMs,
        stillRunning: async () => (this.exited ? `${what} exited during startup` : undefined),
      });
    } catch (err) {
      const message = `${what} did not become ready: ${(err as Error).message}\n--- last log lines ---\n${this.logBuffer.tail(40)}`;
      await started.stop({ timeout: 0 }).catch(() => undefined);
      throw new DeployError(message);
    }
    return started;
  }
}
