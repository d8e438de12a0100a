/** harness/core: pure Matrix primitives (see docs/ARCHITECTURE.md). Imports nothing else of the project. */
export { canonicalJson, canonicalJsonBytes, compareByCodePoint, CanonicalJsonError } from './canonical-json';
export { encodeBase64, encodeBase64Url, decodeBase64, decodeBase64Url, decodeBase64Canonical } from './base64';
export { generateSigningKey, signingKeyFromSeed, ed25519Sign, ed25519Verify, type SigningKey } from './signing-key';
export { signJson, verifyJsonSignature, type Signatures, type Signed } from './json-signing';
export {
  ROOM_VERSIONS,
  getRoomVersion,
  versionsWhere,
  resolveRoomVersion,
  type RoomVersion,
  type RoomVersionLike,
  type RedactionRulesId,
} from './room-versions';
export { redactEvent } from './redaction';
export { contentHash, referenceHash, referenceHashBytes, eventId, roomIdForCreateEvent } from './event-hashes';
export { signEvent, verifyEventSignature, hasValidContentHash, type SignedEvent } from './event-signing';
export {
  signRequest,
  parseXMatrix,
  verifyRequest,
  type FederationRequestToSign,
  type InboundRequestToVerify,
  type XMatrixParams,
} from './x-matrix';
export { AuthState, stateMapKey, type AuthStateInput, type StateEventLike } from './auth-state';
export { roomCreators, userPowerLevel, namedPowerLevel } from './power-levels';
export { checkMembershipAuth, type AuthResult, type MembershipAuthOptions } from './membership-auth';
export { authEventSelection, type StateTuple } from './auth-event-selection';
export {
  HTTP_EXCHANGE_CHANNEL,
  publishHttpExchange,
  subscribeHttpExchanges,
  tryDecodeURIComponent,
  type HttpExchange,
} from './http-exchange';
