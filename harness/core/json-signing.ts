/** Signing JSON (spec appendix "Signing JSON"): sign the canonical form without `signatures` and `unsigned`. */
import { canonicalJsonBytes } from './canonical-json';
import { decodeBase64Canonical, encodeBase64 } from './base64';
import { ed25519Sign, ed25519Verify } from './signing-key';

export type Signatures = Record<string, Record<string, string>>;
export type Signed<T> = T & { signatures: Signatures };

/** Returns a copy of `obj` with one more signature; signatures already present are kept. */
export function signJson<T extends object>(obj: T, serverName: string, keyId: string, seed: Uint8Array): Signed<T> {
  const { signatures, unsigned, ...payload } = obj as Record<string, unknown>;
  const signature = encodeBase64(ed25519Sign(canonicalJsonBytes(payload), seed));
  const existing = (signatures ?? {}) as Signatures;
  const result: Record<string, unknown> = {
    ...payload,
    signatures: { ...existing, [serverName]: { ...existing[serverName], [keyId]: signature } },
  };
  if (unsigned !== undefined) result.unsigned = unsigned;
  return result as Signed<T>;
}

/** False (never throws) when the signature is missing, malformed, wrong, or the object is not canonical JSON. */
export function verifyJsonSignature(obj: unknown, serverName: string, keyId: string, publicKey: Uint8Array): boolean {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return false;
  const { signatures, unsigned: _unsigned, ...payload } = obj as Record<string, unknown>;
  const signature = (signatures as Signatures | undefined)?.[serverName]?.[keyId];
  if (typeof signature !== 'string') return false;
  try {
    return ed25519Verify(canonicalJsonBytes(payload), decodeBase64Canonical(signature), publicKey);
  } catch {
    return false;
  }
}
