/** The fake homeserver (docs/ARCHITECTURE.md, harness/fake-server). */
export { startFakeServer, FakeServer, type FakeServerOptions } from './server';
export type { FakeFederationRequest, FakeServerContext, FederationPeer, Profile } from './context';
export * from './handlers';
export * from './handler-types';
export * from './recorder';
export {
  FakeRoom,
  referencedIds,
  roomStateIsPdus,
  serverOf,
  STRIPPED_STATE_TYPES,
  type EventSpec,
  type StrippedStateEvent,
  type JoinRule,
  type Pdu,
  type Signer,
} from './room';
export { type CreateRoomOptions } from './create-room';
export {
  completeTemplate,
  ensureOk,
  FederationCallError,
  inviteRemoteUser,
  joinRemoteRoom,
  sendEvent,
  sendMessage,
  sendTransaction,
  type InviteOptions,
  type RemoteJoin,
} from './outbound';
export { processCertificateAuthority, issueLeafCertificate, type CertificateAuthority, type LeafCertificate } from '../http/tls';
export { ServerKeyStore, ownKeyDocument, type ServerKeyDocument } from './key-store';
export {
  makeKnock,
  sendKnock,
  makeLeave,
  sendLeave,
  knockOn,
  leaveRoom,
  completeMembershipTemplate,
  type Handshake,
  type HandshakeOptions,
  type CompleteOptions,
} from './remote-membership';
