/** The contract every HSUT driver fulfils (docs/ARCHITECTURE.md, harness/deploy). */

export interface RegisteredUser {
  userId: string;
  accessToken: string;
  deviceId: string;
}

export interface RegisterUserOptions {
  localpart?: string;
  admin?: boolean;
}

export interface StartedHomeserver {
  /** 'synapse' | 'complement:<image>' | 'url' */
  implementation: string;
  serverName: string;
  clientUrl: string;
  /** Where the fake server sends federation requests. */
  federationUrl: string;
  /**
   * PEM of the CA that signed the HSUT's federation TLS certificate, when the harness knows it (complement
   * driver): federation clients that verify TLS must trust it. Undefined for plain-HTTP federation (synapse).
   */
  federationCaPem?: string;
  registerUser(opts?: RegisterUserOptions): Promise<RegisteredUser>;
  /** CPU time the HSUT has used since it started (ms), where the driver can tell (containers); for the benchmark. */
  cpuTimeMs?(): Promise<number | undefined>;
  /** Undefined while the HSUT runs; how it ended once it has (containers: the engine says). */
  exitStatus?(): Promise<string | undefined>;
  /** HSUT log text; with sinceMs, only the lines received at or after that wall-clock time. */
  logs(sinceMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** The HSUT of a run: a started homeserver that can describe itself to other processes (KK_HSUT). */
export type RunHomeserver = StartedHomeserver & { describe(): HomeserverDescription };

/**
 * What a process needs to reach an HSUT another process started: passed to mocha (and its workers) as
 * JSON in env KK_HSUT and rebuilt there with the url driver.
 */
export interface HomeserverDescription {
  implementation: string;
  serverName: string;
  clientUrl: string;
  federationUrl: string;
  sharedSecret?: string;
  /** A file the starting process appends timestamped HSUT log lines to (see log-buffer.ts). */
  logFile?: string;
  /** A log file the server writes itself (--hsut-log of a --url run), read by its lines' own timestamps. */
  serverLogFile?: string;
  /** See StartedHomeserver.federationCaPem. */
  federationCaPem?: string;
}

export class DeployError extends Error {
  readonly code = 'KK_DEPLOY_NOT_READY';
  override name = 'DeployError';
}
