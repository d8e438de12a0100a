/**
 * X-Matrix request authentication (server-server API "Request Authentication"): the signed object is
 * `{method, uri, origin, destination, content?}` where `uri` is the path with query string exactly as sent.
 */
import { signJson, verifyJsonSignature } from './json-signing';
import type { SigningKey } from './signing-key';

export interface FederationRequestToSign {
  method: string;
  uri: string;
  origin: string;
  destination: string;
  /** The JSON body; leave undefined for requests without one. */
  content?: unknown;
}

export interface XMatrixParams {
  origin: string;
  /** Optional in the spec for backwards compatibility; senders must include it. */
  destination?: string;
  key: string;
  sig: string;
}

export interface InboundRequestToVerify extends FederationRequestToSign {
  keyId: string;
  sig: string;
}

export function signRequest(request: FederationRequestToSign, key: SigningKey): string {
  const signed = signJson(requestObject(request), request.origin, key.keyId, key.seed);
  const sig = signed.signatures[request.origin]![key.keyId]!;
  return `X-Matrix origin=${quote(request.origin)},destination=${quote(request.destination)},key=${quote(key.keyId)},sig=${quote(sig)}`;
}

export function verifyRequest(request: InboundRequestToVerify, publicKey: Uint8Array): boolean {
  const withSignature = {
    ...requestObject(request),
    signatures: { [request.origin]: { [request.keyId]: request.sig } },
  };
  return verifyJsonSignature(withSignature, request.origin, request.keyId, publicKey);
}

/**
 * Parses an Authorization header value. Parameter values may be quoted (with backslash escapes) or bare tokens;
 * spaces around `,` and `=` are tolerated; names are case-insensitive; unknown parameters are ignored.
 * Throws with the reason when the scheme is not X-Matrix or origin/key/sig is missing.
 */
export function parseXMatrix(header: string): XMatrixParams {
  const match = /^\s*X-Matrix\s+/i.exec(header);
  if (!match) throw new Error(`Authorization is not X-Matrix: ${JSON.stringify(header.slice(0, 40))}`);
  const params = parseParams(header.slice(match[0].length));
  for (const required of ['origin', 'key', 'sig'] as const) {
    if (params[required] === undefined) throw new Error(`X-Matrix header has no ${required}`);
  }
  const result: XMatrixParams = { origin: params.origin!, key: params.key!, sig: params.sig! };
  if (params.destination !== undefined) result.destination = params.destination;
  return result;
}

function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  let i = 0;
  const skipSpaces = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  while (i < text.length) {
    skipSpaces();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (i >= text.length) break;
    const nameStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ',') i++;
    const name = text.slice(nameStart, i).trim().toLowerCase();
    if (text[i] !== '=') throw new Error(`X-Matrix parameter ${JSON.stringify(name)} has no value`);
    i++;
    skipSpaces();
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (text[i] !== '"') throw new Error(`X-Matrix parameter ${name} has an unterminated quoted value`);
      i++;
    } else {
      const valueStart = i;
      while (i < text.length && text[i] !== ',') i++;
      value = text.slice(valueStart, i).trim();
    }
    if (!(name in params)) params[name] = value;
    skipSpaces();
  }
  return params;
}

function requestObject(request: FederationRequestToSign): Record<string, unknown> {
  const object: Record<string, unknown> = {
    method: request.method,
    uri: request.uri,
    origin: request.origin,
    destination: request.destination,
  };
  if (request.content !== undefined) object.content = request.content;
  return object;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
