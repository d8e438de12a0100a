/**
 * The fake homeserver: HTTPS on 127.0.0.1 with a per-run CA, X-Matrix checked on every inbound request before
 * an (opt-in) handler runs, everything recorded. Unhandled requests get 404 M_UNRECOGNIZED and are listed by
 * unexpectedRequests().
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { generateSigningKey, parseXMatrix, verifyRequest, type SigningKey } from '../core';
import { publishHttpExchange } from '../core/http-exchange';
import { FederationClient, type FederationRequest } from '../clients/federation-client';
import { flattenHeaders, parseBody, queryString, type RawResponse } from '../http';
import { issueLeafCertificate, processCertificateAuthority } from '../http/tls';
import { Recorder, type InboundRecord, type PduRecord, type TrafficRecord, type WaitOptions } from './recorder';
import { ServerKeyStore } from './key-store';
import { matchPath, type FederationHandler, type HandlerResponse, type InboundRequest } from './handler-types';
import { FakeRoom, type Signer } from './room';
import { createHostedRoom, type CreateRoomOptions } from './create-room';
import { completeTemplate, inviteRemoteUser, joinRemoteRoom, sendEvent, sendTransaction, type InviteOptions, type RemoteJoin } from './outbound';
import type { EventSpec, Pdu } from './room';

/** The homeserver under test, as far as the fake server needs it (StartedHomeserver fits). */
export interface FederationPeer {
  serverName: string;
  federationUrl: string;
  /** CA of the peer's federation TLS certificate, when it serves HTTPS with a CA the harness made (complement). */
  federationCaPem?: string;
}

export interface FakeServerOptions {
  hsut?: FederationPeer;
  /** Opt-in handlers (arrays are flattened; a later one with the same name replaces an earlier one). */
  handlers?: Array<FederationHandler | FederationHandler[]>;
  /** Signing key id; random by default so an HSUT's key cache never mixes up two fake servers on one port. */
  keyId?: string;
  /** Timeout of the fake's own outbound requests. */
  outboundTimeoutMs?: number;
}

export interface Profile {
  displayname?: string;
  avatar_url?: string;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const ca = await processCertificateAuthority();
  const leaf = await issueLeafCertificate(ca, '127.0.0.1');
  const server = createServer({ key: leaf.privateKeyPem, cert: leaf.chainPem });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake server: no TCP address after listen');
  return new FakeServer(server, `127.0.0.1:${address.port}`, ca.certificatePem, options);
}

export class FakeServer {
  readonly serverName: string;
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly key: SigningKey;
  /** PEM of the per-run CA that issued this server's certificate. */
  readonly caPem: string;
  readonly hsut?: FederationPeer;
  /** Federation client signed as this server; its exchanges are recorded as outbound traffic. */
  readonly federation: FederationClient;
  readonly keys: ServerKeyStore;
  readonly recorder = new Recorder();
  readonly rooms = new Map<string, FakeRoom>();
  readonly profiles = new Map<string, Profile>();
  /** Room aliases this server answers /query/directory for. */
  readonly aliases = new Map<string, string>();
  private readonly handlers: FederationHandler[] = [];
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(
    private readonly server: Server,
    serverName: string,
    caPem: string,
    options: FakeServerOptions,
  ) {
    this.serverName = serverName;
    this.url = `https://${serverName}`;
    this.caPem = caPem;
    this.hsut = options.hsut;
    this.key = generateSigningKey(options.keyId ?? `ed25519:kk${Math.random().toString(36).slice(2, 10)}`);
    this.keys = new ServerKeyStore({ serverName, key: this.key }, (name) => this.baseUrlOf(name));
    this.federation = new FederationClient({
      serverName,
      key: this.key,
      // Other fake servers present certificates from this run's CA; a Complement HSUT one from the CA we mounted.
      caPem: options.hsut?.federationCaPem ? `${caPem}\n${options.hsut.federationCaPem}` : caPem,
      timeoutMs: options.outboundTimeoutMs,
    });
    for (const handler of (options.handlers ?? []).flat()) this.use(handler);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.dispatch(req, res);
    });
  }

  /** Adds a handler; one with the same name as an existing handler replaces it. */
  use(handler: FederationHandler): this {
    const index = this.handlers.findIndex((h) => h.name === handler.name);
    if (index >= 0) this.handlers[index] = handler;
    else this.handlers.push(handler);
    return this;
  }

  /** Removes the handler of that name (requests for it then count as unexpected). */
  remove(name: string): this {
    const index = this.handlers.findIndex((h) => h.name === name);
    if (index >= 0) this.handlers.splice(index, 1);
    return this;
  }

  handlerNames(): string[] {
    return this.handlers.map((h) => h.name);
  }

  userId(localpart: string): string {
    return `@${localpart}:${this.serverName}`;
  }

  setProfile(userId: string, profile: Profile): void {
    this.profiles.set(userId, profile);
  }

  /** Creates a room hosted here (any version 1–12) and registers its canonical alias, if any. */
  createRoom(options: CreateRoomOptions): FakeRoom {
    const room = createHostedRoom(this.signer, options);
    this.rooms.set(room.roomId, room);
    if (options.canonicalAlias) this.aliases.set(options.canonicalAlias, room.roomId);
    return room;
  }

  room(roomId: string): FakeRoom | undefined {
    return this.rooms.get(roomId);
  }

  get signer(): Signer {
    return { serverName: this.serverName, key: this.key };
  }

  // ---- traffic -------------------------------------------------------------------------------------------

  records(): readonly TrafficRecord[] {
    return this.recorder.all();
  }

  /** Sequence number of the next record: `waitFor(p, { since: fake.mark(), … })` ignores earlier traffic. */
  mark(): number {
    return this.recorder.mark();
  }

  /** Resolves with the first record (already received or arriving) that matches; throws listing traffic on timeout. */
  waitFor<T extends TrafficRecord>(
    predicate: ((record: TrafficRecord) => record is T) | ((record: TrafficRecord) => boolean),
    options: WaitOptions,
  ): Promise<T> {
    return this.recorder.waitFor<T>(predicate, options);
  }

  /** Waits for a PDU the fake received that matches. */
  waitForPdu(predicate: (pdu: PduRecord) => boolean, options: WaitOptions): Promise<PduRecord> {
    return this.recorder.waitFor<PduRecord>((r) => r.kind === 'pdu' && predicate(r), {
      description: 'a matching PDU',
      ...options,
    });
  }

  /** Waits for an inbound request to a handler (by name) that matches. */
  waitForRequest(
    handlerName: string,
    options: WaitOptions & { where?: (record: InboundRecord) => boolean },
  ): Promise<InboundRecord> {
    return this.recorder.waitFor<InboundRecord>(
      (r) => r.kind === 'inbound' && r.handler === handlerName && (options.where?.(r) ?? true),
      { description: `a ${handlerName} request`, ...options },
    );
  }

  inboundRequests(): InboundRecord[] {
    return this.records().filter((r): r is InboundRecord => r.kind === 'inbound');
  }

  /** Inbound requests no handler took (answered 404 M_UNRECOGNIZED). */
  unexpectedRequests(): InboundRecord[] {
    return this.inboundRequests().filter((r) => r.unexpected);
  }

  // ---- outbound ------------------------------------------------------------------------------------------

  /** Where `serverName` is reached: the HSUT's federation URL, this server's own URL, or another loopback fake. */
  baseUrlOf(serverName: string): string | undefined {
    if (serverName === this.serverName) return this.url;
    if (this.hsut && serverName === this.hsut.serverName) return this.hsut.federationUrl;
    // A loopback IP literal with a port resolves to itself (server discovery stops there); other fakes live here.
    if (/^127\.0\.0\.1:\d+$/.test(serverName)) return `https://${serverName}`;
    return undefined;
  }

  /** A signed federation request (to the HSUT unless `destination` says otherwise), recorded as outbound. */
  async request(req: Omit<FederationRequest, 'destination' | 'baseUrl'> & { destination?: string; baseUrl?: string }): Promise<RawResponse> {
    const destination = req.destination ?? this.hsut?.serverName;
    if (!destination) throw new Error('fake server: no destination and no HSUT configured');
    const baseUrl = req.baseUrl ?? this.baseUrlOf(destination);
    if (!baseUrl) throw new Error(`fake server: no known address for ${destination}`);
    const startedAt = Date.now();
    const record = { kind: 'outbound' as const, at: startedAt, destination, method: req.method, uri: req.path + queryString(req.query), body: req.body };
    try {
      const response = await this.federation.request({ ...req, destination, baseUrl });
      this.recorder.add({ ...record, status: response.status, responseBody: response.body, durationMs: Date.now() - startedAt });
      return response;
    } catch (error) {
      this.recorder.add({ ...record, error: (error as Error).message, durationMs: Date.now() - startedAt });
      throw error;
    }
  }

  /** Builds, adds and sends an event to the other servers in the room (see outbound.ts). */
  sendEvent(room: FakeRoom, spec: EventSpec): ReturnType<typeof sendEvent> {
    return sendEvent(this, room, spec);
  }

  /** A message from a fake user, sent to the HSUT. */
  sendMessage(room: FakeRoom, sender: string, body: string): ReturnType<typeof sendEvent> {
    return sendEvent(this, room, { type: 'm.room.message', sender, content: { msgtype: 'm.text', body } });
  }

  sendTransaction(content: { pdus?: Pdu[]; edus?: unknown[] }, destination?: string): Promise<RawResponse> {
    return sendTransaction(this, content, destination);
  }

  inviteRemoteUser(room: FakeRoom, options: InviteOptions): ReturnType<typeof inviteRemoteUser> {
    return inviteRemoteUser(this, room, options);
  }

  joinRemoteRoom(options: { roomId: string; userId: string; destination?: string }): Promise<RemoteJoin> {
    return joinRemoteRoom(this, options);
  }

  /** Fills in a make_join/make_knock/make_leave template as this server: origin, timestamp, hashes, signature. */
  completeTemplate(template: Pdu, roomVersion: string, overrides?: Record<string, unknown>): { event: Pdu; eventId: string } {
    const { event, eventId } = completeTemplate(this, template, roomVersion, overrides);
    return { event, eventId };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closing;
    await Promise.all([this.federation.close(), this.keys.close()]);
  }

  // ---- inbound -------------------------------------------------------------------------------------------

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const uri = req.url ?? '/';
    const [path, rawQuery = ''] = splitOnce(uri, '?');
    const headers = flattenHeaders(req.headers);
    const method = req.method ?? 'GET';
    let body: unknown;
    let response: HandlerResponse;
    let origin: string | undefined;
    let authError: string | undefined;
    let handlerName: string | undefined;
    try {
      body = parseBody((await readBody(req)).toString('utf8'));
      const match = this.findHandler(method, path);
      if (match) handlerName = match.handler.name;
      if (!match || match.handler.authenticated) {
        const auth = await this.authenticate(method, uri, headers.authorization, body);
        origin = auth.origin;
        authError = auth.error;
      }
      if (!match) {
        response = { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: `fake server has no handler for ${method} ${path}` } };
      } else if (match.handler.authenticated && authError !== undefined) {
        response = { status: 401, body: { errcode: 'M_UNAUTHORIZED', error: authError } };
      } else {
        const request: InboundRequest = {
          method,
          uri,
          path,
          query: new URLSearchParams(rawQuery),
          params: match.params,
          headers,
          body,
          origin: origin ?? '',
        };
        response = await match.handler.handle(request, this);
      }
    } catch (error) {
      response = { status: 500, body: { errcode: 'M_UNKNOWN', error: `fake server handler failed: ${(error as Error).stack ?? error}` } };
    }

    let responseBody: unknown;
    let status: number;
    if ('hangUp' in response) {
      status = 0;
      req.socket.destroy();
    } else if ('stall' in response) {
      status = 0; // the socket stays open until close() destroys it
    } else {
      status = response.status;
      responseBody = response.rawBody ?? response.body;
      const text = response.rawBody ?? (response.body === undefined ? '' : JSON.stringify(response.body));
      res.writeHead(status, { 'content-type': 'application/json', ...response.headers });
      res.end(text);
    }
    const record = this.recorder.add({
      kind: 'inbound',
      at: startedAt,
      method,
      uri,
      path,
      query: new URLSearchParams(rawQuery),
      headers,
      body,
      ...(origin !== undefined ? { origin } : {}),
      ...(authError !== undefined ? { authError } : {}),
      ...(handlerName !== undefined ? { handler: handlerName } : {}),
      unexpected: handlerName === undefined,
      status,
      responseBody,
      durationMs: Date.now() - startedAt,
    });
    publishHttpExchange({
      actor: 'fake-server',
      from: record.origin ?? 'unauthenticated peer',
      to: `fake ${this.serverName}`,
      method,
      url: uri,
      requestHeaders: headers,
      requestBody: body,
      ...(status ? { status, responseBody } : { error: 'fake server hung up or stalled on purpose' }),
      startedAt,
      durationMs: record.durationMs,
    });
  }

  private findHandler(method: string, path: string): { handler: FederationHandler; params: Record<string, string> } | undefined {
    for (const handler of this.handlers) {
      if (handler.method !== method) continue;
      const params = matchPath(handler.path, path);
      if (params) return { handler, params };
    }
    return undefined;
  }

  /** Checks X-Matrix: parseable, addressed to us, signed with the origin's key. */
  private async authenticate(
    method: string,
    uri: string,
    authorization: string | undefined,
    body: unknown,
  ): Promise<{ origin?: string; error?: string }> {
    if (!authorization) return { error: 'no Authorization header' };
    let params;
    try {
      params = parseXMatrix(authorization);
    } catch (error) {
      return { error: (error as Error).message };
    }
    if (params.destination !== undefined && params.destination !== this.serverName) {
      return { error: `X-Matrix destination ${params.destination} is not ${this.serverName}` };
    }
    let publicKey: Uint8Array;
    try {
      publicKey = await this.keys.publicKey(params.origin, params.key);
    } catch (error) {
      return { error: `cannot get key ${params.key} of ${params.origin}: ${(error as Error).message}` };
    }
    const ok = verifyRequest(
      {
        method,
        uri,
        origin: params.origin,
        destination: params.destination ?? this.serverName,
        ...(body !== undefined ? { content: body } : {}),
        keyId: params.key,
        sig: params.sig,
      },
      publicKey,
    );
    return ok ? { origin: params.origin } : { error: `X-Matrix signature by ${params.origin} key ${params.key} does not verify` };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function splitOnce(text: string, separator: string): [string, string?] {
  const index = text.indexOf(separator);
  return index < 0 ? [text] : [text.slice(0, index), text.slice(index + 1)];
}
