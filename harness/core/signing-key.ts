/**
 * ed25519 signing keys on node:crypto. A key is its 32-byte seed; KeyObjects are cached per seed because
 * building them costs more than a signature.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64';

export interface SigningKey {
  /** `ed25519:<version>` */
  keyId: string;
  seed: Uint8Array;
  publicKey: Uint8Array;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const CACHE_LIMIT = 256;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

export function generateSigningKey(keyId = `ed25519:${randomBytes(4).toString('hex')}`): SigningKey {
  return signingKeyFromSeed(new Uint8Array(randomBytes(32)), keyId);
}

export function signingKeyFromSeed(seed: string | Uint8Array, keyId: string): SigningKey {
  const seedBytes = typeof seed === 'string' ? decodeBase64(seed) : seed;
  if (seedBytes.length !== 32) throw new Error(`ed25519 seed must be 32 bytes, got ${seedBytes.length}`);
  if (!/^ed25519:[A-Za-z0-9_]+$/.test(keyId)) throw new Error(`key id must look like ed25519:<a-zA-Z0-9_>, got ${keyId}`);
  const spki = createPublicKey(privateKeyFor(seedBytes)).export({ format: 'der', type: 'spki' });
  return { keyId, seed: new Uint8Array(seedBytes), publicKey: new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length)) };
}

export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyFor(seed)));
}

export function ed25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return verify(null, message, publicKeyFor(publicKey), signature);
}

function privateKeyFor(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`ed25519 seed must be 32 bytes, got ${seed.length}`);
  return cached(privateKeys, seed, () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  );
}

function publicKeyFor(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== 32) throw new Error(`ed25519 public key must be 32 bytes, got ${publicKey.length}`);
  return cached(publicKeys, publicKey, () =>
    createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' }),
  );
}

function cached(cache: Map<string, KeyObject>, bytes: Uint8Array, build: () => KeyObject): KeyObject {
  const id = encodeBase64(bytes);
  let key = cache.get(id);
  if (!key) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    key = build();
    cache.set(id, key);
  }
  return key;
}
