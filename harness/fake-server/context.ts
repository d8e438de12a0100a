/**
 * What handlers and the fake's outbound actions (outbound.ts, remote-membership.ts) see of a fake server. FakeServer
 * implements it; depending on this instead of the class keeps server.ts at the top of the folder's imports.
 */
import type { SigningKey } from '../core';
import type { FederationRequest } from '../clients/federation-client';
import type { RawResponse } from '../http';
import type { ServerKeyStore } from './key-store';
import type { Recorder } from './recorder';
import type { FakeRoom, Signer } from './room';

/** The homeserver under test, as far as the fake server needs it (StartedHomeserver fits). */
export interface FederationPeer {
  serverName: string;
  federationUrl: string;
  /** CA of the peer's federation TLS certificate, when it serves HTTPS with a CA the harness made (complement). */
  federationCaPem?: string;
}

export interface Profile {
  displayname?: string;
  avatar_url?: string;
}

/** A federation request from the fake: to the HSUT unless `destination` (and `baseUrl`) say otherwise. */
export type FakeFederationRequest = Omit<FederationRequest, 'destination' | 'baseUrl'> & { destination?: string; baseUrl?: string };

export interface FakeServerContext {
  readonly serverName: string;
  readonly key: SigningKey;
  readonly signer: Signer;
  readonly hsut?: FederationPeer;
  /** Signing keys of this and other servers (fetched and cached). */
  readonly keys: ServerKeyStore;
  readonly recorder: Recorder;
  /** Rooms this server hosts or keeps a copy of. */
  readonly rooms: Map<string, FakeRoom>;
  readonly profiles: Map<string, Profile>;
  /** Room aliases this server answers /query/directory for. */
  readonly aliases: Map<string, string>;
  room(roomId: string): FakeRoom | undefined;
  /** Where `serverName` is reached, or undefined when it cannot be. */
  baseUrlOf(serverName: string): string | undefined;
  /** A signed federation request, recorded as outbound. */
  request(req: FakeFederationRequest): Promise<RawResponse>;
}
