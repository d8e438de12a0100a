/**
 * Server signing keys the fake server knows: its own, and those it fetched (GET /_matrix/key/v2/server) from
 * servers it can reach, checked against their self-signature and cached until valid_until_ts.
 */
import { Agent } from 'undici';
import { decodeBase64, encodeBase64, signJson, verifyJsonSignature, type SigningKey } from '../core';
import { safeStringify, send } from '../http';

export interface ServerKeyDocument {
  server_name: string;
  valid_until_ts: number;
  verify_keys: Record<string, { key: string }>;
  old_verify_keys: Record<string, { key: string; expired_ts: number }>;
  signatures?: Record<string, Record<string, string>>;
}

interface CachedKeys {
  keys: Map<string, Uint8Array>;
  validUntil: number;
  document: ServerKeyDocument;
}

const KEY_VALIDITY_MS = 24 * 3600 * 1000;
const FETCH_TIMEOUT_MS = 10_000;

export function ownKeyDocument(serverName: string, key: SigningKey): ServerKeyDocument {
  const document: ServerKeyDocument = {
    server_name: serverName,
    valid_until_ts: Date.now() + KEY_VALIDITY_MS,
    verify_keys: { [key.keyId]: { key: encodeBase64(key.publicKey) } },
    old_verify_keys: {},
  };
  return signJson(document, serverName, key.keyId, key.seed) as ServerKeyDocument;
}

export class ServerKeyStore {
  private readonly cache = new Map<string, CachedKeys>();
  private readonly inFlight = new Map<string, Promise<CachedKeys>>();
  private readonly dispatcher = new Agent({ connect: { rejectUnauthorized: false } });

  constructor(
    private readonly self: { serverName: string; key: SigningKey },
    /** Where to fetch a server's keys from (scheme://host:port), or undefined when it cannot be reached. */
    private readonly locate: (serverName: string) => string | undefined,
  ) {}

  /** The public key `keyId` of `serverName`; throws with the reason when it cannot be had. */
  async publicKey(serverName: string, keyId: string): Promise<Uint8Array> {
    if (serverName === this.self.serverName) {
      if (keyId !== this.self.key.keyId) throw new Error(`${serverName} has no key ${keyId}`);
      return this.self.key.publicKey;
    }
    let cached = this.cache.get(serverName);
    if (!cached || cached.validUntil < Date.now() || !cached.keys.has(keyId)) {
      cached = await this.fetch(serverName);
    }
    const key = cached.keys.get(keyId);
    if (!key) throw new Error(`${serverName} publishes no key ${keyId} (has ${[...cached.keys.keys()].join(', ')})`);
    return key;
  }

  /** The last key document fetched from `serverName` (fetching it if needed). */
  async keyDocument(serverName: string): Promise<ServerKeyDocument> {
    return (this.cache.get(serverName) ?? (await this.fetch(serverName))).document;
  }

  private fetch(serverName: string): Promise<CachedKeys> {
    let pending = this.inFlight.get(serverName);
    if (!pending) {
      pending = this.fetchNow(serverName).finally(() => this.inFlight.delete(serverName));
      this.inFlight.set(serverName, pending);
    }
    return pending;
  }

  private async fetchNow(serverName: string): Promise<CachedKeys> {
    const baseUrl = this.locate(serverName);
    if (!baseUrl) throw new Error(`no known address for server ${serverName}`);
    const url = `${baseUrl.replace(/\/$/, '')}/_matrix/key/v2/server`;
    const response = await send({ method: 'GET', url, dispatcher: this.dispatcher, timeoutMs: FETCH_TIMEOUT_MS });
    if (response.status !== 200) throw new Error(`GET ${url} → ${response.status}: ${safeStringify(response.body ?? '').slice(0, 200)}`);
    if (!response.body || typeof response.body !== 'object') throw new Error(`GET ${url}: the key document is not a JSON object`);
    const document = response.body as ServerKeyDocument;
    if (document.server_name !== serverName) {
      throw new Error(`GET ${url}: server_name is ${document.server_name}, expected ${serverName}`);
    }
    const keys = new Map<string, Uint8Array>();
    for (const [keyId, { key }] of Object.entries(document.verify_keys ?? {})) keys.set(keyId, decodeBase64(key));
    const selfSigned = [...keys].some(([keyId, publicKey]) => {
      try {
        return verifyJsonSignature(document, serverName, keyId, publicKey);
      } catch {
        return false;
      }
    });
    if (!selfSigned) throw new Error(`GET ${url}: key document is not signed by any of its own keys`);
    const cached = { keys, validUntil: document.valid_until_ts, document };
    this.cache.set(serverName, cached);
    return cached;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
