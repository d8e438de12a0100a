/** Hashing and signing events (server-server API "Signing events"): the signature covers the redacted event. */
import { contentHash } from './event-hashes';
import { signJson, verifyJsonSignature, type Signatures } from './json-signing';
import { redactEvent } from './redaction';
import { resolveRoomVersion, type RoomVersionLike } from './room-versions';

export type SignedEvent<T> = T & { hashes: { sha256: string }; signatures: Signatures };

/** Returns a copy of `event` with `hashes.sha256` filled in and this server's signature added. */
export function signEvent<T extends object>(
  event: T,
  roomVersion: RoomVersionLike,
  serverName: string,
  keyId: string,
  seed: Uint8Array,
): SignedEvent<T> {
  const version = resolveRoomVersion(roomVersion);
  const source = event as Record<string, unknown>;
  const existingHashes = typeof source.hashes === 'object' && source.hashes !== null ? source.hashes : {};
  const hashed = { ...source, hashes: { ...existingHashes, sha256: contentHash(source) } };
  const signedRedaction = signJson(redactEvent(hashed, version), serverName, keyId, seed);
  return { ...hashed, signatures: signedRedaction.signatures } as unknown as SignedEvent<T>;
}

/** Checks one server's signature on an event (over its redacted form). Does not check the content hash. */
export function verifyEventSignature(
  event: object,
  roomVersion: RoomVersionLike,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
): boolean {
  return verifyJsonSignature(redactEvent(event, roomVersion), serverName, keyId, publicKey);
}

/** True when `hashes.sha256` matches the content (a mismatch means the receiver must redact the event). */
export function hasValidContentHash(event: object): boolean {
  const hashes = (event as { hashes?: { sha256?: unknown } }).hashes;
  return typeof hashes?.sha256 === 'string' && hashes.sha256 === contentHash(event);
}
