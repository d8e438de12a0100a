/**
 * The Synapse configuration the harness writes (JSON is valid YAML, so no YAML library is needed).
 * Everything that would slow or block a conformance run is relaxed; federation over loopback is allowed.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYNAPSE_DATA_DIR = '/data';
/** The database lives in memory (a tmpfs): a throwaway HSUT gains nothing from fsync, and every test waits on it. */
export const SYNAPSE_DB_DIR = '/db';
export const SYNAPSE_CONFIG_PATH = `${SYNAPSE_DATA_DIR}/homeserver.yaml`;

export interface SynapseConfigInput {
  serverName: string;
  port: number;
  sharedSecret: string;
  /** Extra top-level keys merged over the defaults (fixtures/configs or tests). */
  overrides?: Record<string, unknown>;
}

/** Synapse's signing key file: `ed25519 <version> <unpadded standard base64 of the 32-byte seed>`. */
export function generateSynapseSigningKey(version = 'a_kk'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  return `ed25519 ${version} ${seed.toString('base64').replace(/=+$/, '')}\n`;
}

const RELAXATIONS_FILE = join(__dirname, '..', '..', 'fixtures', 'configs', 'synapse.json');

/** Test-run relaxations kept as data (fixtures/configs/synapse.json): rate limits, bcrypt cost, directory rules. */
function conformanceRelaxations(): Record<string, unknown> {
  return JSON.parse(readFileSync(RELAXATIONS_FILE, 'utf8')) as Record<string, unknown>;
}

export function synapseHomeserverConfig(input: SynapseConfigInput): Record<string, unknown> {
  const data = SYNAPSE_DATA_DIR;
  return {
    server_name: input.serverName,
    public_baseurl: `http://127.0.0.1:${input.port}/`,
    pid_file: `${data}/homeserver.pid`,
    report_stats: false,
    listeners: [
      {
        // One plain-HTTP listener serves client and federation APIs; `port` is explicit because the
        // generator would derive another one from the server name.
        port: input.port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client', 'federation'], compress: false }],
      },
    ],
    database: { name: 'sqlite3', args: { database: `${SYNAPSE_DB_DIR}/homeserver.db` } },
    log_config: `${data}/log.config`,
    media_store_path: `${data}/media_store`,
    signing_key_path: `${data}/signing.key`,
    macaroon_secret_key: randomBytes(24).toString('hex'),
    form_secret: randomBytes(24).toString('hex'),
    registration_shared_secret: input.sharedSecret,
    enable_registration: true,
    enable_registration_without_verification: true,
    federation_verify_certificates: false,
    ip_range_blacklist: [],
    ip_range_whitelist: ['127.0.0.0/8', '::1'],
    // Present and empty, or Synapse asks matrix.org for keys.
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    ...conformanceRelaxations(),
    ...input.overrides,
  };
}

/** Python logging config sending everything to stdout, so the container log holds the HSUT log. */
export function synapseLogConfig(): Record<string, unknown> {
  return {
    version: 1,
    formatters: {
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    filters: { context: { '()': 'synapse.logging.context.LoggingContextFilter', request: '' } },
    handlers: {
      console: { class: 'logging.StreamHandler', formatter: 'precise', filters: ['context'], stream: 'ext://sys.stdout' },
    },
    loggers: {
      synapse: { level: 'INFO' },
      'synapse.storage.SQL': { level: 'WARNING' },
      // A line per request, per event queued for federation and per background update batch: the transcripts
      // already hold every exchange, and formatting these costs the HSUT CPU on every test.
      'synapse.access': { level: 'WARNING' },
      'synapse.federation.sender': { level: 'WARNING' },
      'synapse.storage.background_updates': { level: 'WARNING' },
    },
    root: { level: 'INFO', handlers: ['console'] },
    disable_existing_loggers: false,
  };
}

export function toYaml(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
