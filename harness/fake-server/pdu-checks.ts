/**
 * Checks on a PDU another server sent: the sender's server signed it (key fetched and verified through the
 * key store) and the content hash matches.
 */
import { hasValidContentHash, verifyEventSignature, type RoomVersion } from '../core';
import type { ServerKeyStore } from './key-store';
import { serverOf, type Pdu } from './room';

export interface PduCheck {
  signatureVerified: boolean;
  contentHashValid: boolean;
  /** Human-readable reasons, empty when both hold. */
  problems: string[];
}

export async function checkPduSignature(
  keys: ServerKeyStore,
  event: Pdu,
  version: RoomVersion,
  server = senderServer(event),
): Promise<PduCheck> {
  const problems: string[] = [];
  let signatureVerified = false;
  const signatures = event.signatures?.[server];
  if (!signatures || typeof signatures !== 'object' || Object.keys(signatures).length === 0) {
    problems.push(`no signature by ${server}`);
  } else {
    for (const keyId of Object.keys(signatures)) {
      try {
        const publicKey = await keys.publicKey(server, keyId);
        if (verifyEventSignature(event, version, server, keyId, publicKey)) {
          signatureVerified = true;
          break;
        }
        problems.push(`signature by ${server} ${keyId} does not verify`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  const contentHashValid = hasValidContentHash(event);
  if (!contentHashValid) problems.push('content hash does not match');
  return {
    signatureVerified,
    contentHashValid,
    problems: signatureVerified ? problems.filter((p) => p === 'content hash does not match') : problems,
  };
}

function senderServer(event: Pdu): string {
  return typeof event.sender === 'string' ? serverOf(event.sender) : '';
}
