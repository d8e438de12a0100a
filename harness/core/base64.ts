/**
 * Matrix base64 (spec appendix "Unpadded Base64"): encoders emit no padding; decoders accept padded and
 * unpadded input. URL-safe is the RFC 4648 §5 alphabet (`-`, `_`), used by v4+ event IDs and v12 room IDs.
 */

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard alphabet, padded or not. Throws on characters outside the alphabet or an impossible length. */
export function decodeBase64(text: string): Uint8Array {
  return decodeWith(text, STANDARD, 'base64');
}

/** URL-safe alphabet, padded or not. */
export function decodeBase64Url(text: string): Uint8Array {
  return decodeWith(text, URL_SAFE, 'base64url');
}

/**
 * Decodes only the one canonical encoding of some bytes (standard alphabet): unused trailing bits must be
 * zero. Signatures are checked with this, so flipping an unused bit is not an equivalent signature.
 */
export function decodeBase64Canonical(text: string): Uint8Array {
  const bytes = decodeBase64(text);
  if (encodeBase64(bytes) !== text.replace(/=+$/, '')) throw new Error(`base64: not canonical: ${text}`);
  return bytes;
}

function decodeWith(text: string, alphabet: RegExp, encoding: 'base64' | 'base64url'): Uint8Array {
  const unpadded = text.replace(/=+$/, '');
  if (!alphabet.test(text) || unpadded.length % 4 === 1 || (text.length !== unpadded.length && text.length % 4 !== 0)) {
    throw new Error(`${encoding}: invalid input ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`);
  }
  return new Uint8Array(Buffer.from(unpadded, encoding));
}
