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
import { FederationClient } from '../clients/federation-client';
import { flattenHeaders, parseBody, queryString, type RawResponse } from '../http';
import { issueLeafCertificate, processCertificateAuthority } from '../http/tls';
import type { FakeFederationRequest, FakeServerContext, FederationPeer, Profile } from './context';
import { Recorder, type InboundRecord, type PduRecord, type TrafficRecord, type WaitOptions } from './recorder';
import { ServerKeyStore } from './key-store';
import { matchPath, type FederationHandler, type HandlerResponse } from './handler-types';
import type { FakeRoom, Signer } from './room';
import { createHostedRoom, type CreateRoomOptions } from './create-room';

export type { FederationPeer, Profile } from './context';

export interface FakeServerOptions {
  hsut?: FederationPeer;
  /** Opt-in handlers (arrays are flattened; a later one with the same name replaces an earlier one). */
  handlers?: Array<FederationHandler | FederationHandler[]>;
  /** Signing key id; random by default so an HSUT's key cache never mixes up two fake servers on one port. */
  keyId?: string;
  /** Timeout of the fake's own outbound requests. */
  outboundTimeoutMs?: number;
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

export class FakeServer implements FakeServerContext {
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
  waitForRequest(handlerName: string, options: WaitOptions & { where?: (record: InboundRecord) => boolean }): Promise<InboundRecord> {
    return this.recorder.waitFor<InboundRecord>((r) => r.kind === 'inbound' && r.handler === handlerName && (options.where?.(r) ?? true), {
      description: `a ${handlerName} request`,
      ...options,
    });
  }

  inboundRequests(): InboundRecord[] {
    return this.records().filter((r): r is InboundRecord => r.kind === 'inbound');
  }

  /** Inbound requests a handler (by name) took, from sequence number `since` on, that match `where`. */
  requests(handlerName: string, options: { since?: number; where?: (record: InboundRecord) => boolean } = {}): InboundRecord[] {
    const since = options.since ?? 0;
    return this.inboundRequests().filter((r) => r.seq >= since && r.handler === handlerName && (options.where?.(r) ?? true));
  }

  /** Inbound requests no handler took (answered 404 M_UNRECOGNIZED). */
  unexpectedRequests(): InboundRecord[] {
    return this.inboundRequests().filter((r) => r.unexpected);
  }

  // ---- outbound ------------------------------------------------------------------------------------------
  // The actions built on request() (sendEvent, joinRemoteRoom, knockOn, …) are free functions that take the fake
  // first: outbound.ts and remote-membership.ts.

  /** Where `serverName` is reached: the HSUT's federation URL, this server's own URL, or another loopback fake. */
  baseUrlOf(serverName: string): string | undefined {
    if (serverName === this.serverName) return this.url;
    if (this.hsut && serverName === this.hsut.serverName) return this.hsut.federationUrl;
    // A loopback IP literal with a port resolves to itself (server discovery stops there); other fakes live here.
    if (/^127\.0\.0\.1:\d+$/.test(serverName)) return `https://${serverName}`;
    return undefined;
  }

  /** A signed federation request (to the HSUT unless `destination` says otherwise), recorded as outbound. */
  async request(req: FakeFederationRequest): Promise<RawResponse> {
    const destination = req.destination ?? this.hsut?.serverName;
    if (!destination) throw new Error('fake server: no destination and no HSUT configured');
    const baseUrl = req.baseUrl ?? this.baseUrlOf(destination);
    if (!baseUrl) throw new Error(`fake server: no known address for ${destination}`);
    const startedAt = Date.now();
    const record = {
      kind: 'outbound' as const,
      at: startedAt,
      destination,
      method: req.method,
      uri: req.path + queryString(req.query),
      body: req.body,
    };
    try {
      const response = await this.federation.request({ ...req, destination, baseUrl });
      this.recorder.add({ ...record, status: response.status, responseBody: response.body, durationMs: Date.now() - startedAt });
      return response;
    } catch (error) {
      this.recorder.add({ ...record, error: (error as Error).message, durationMs: Date.now() - startedAt });
      throw error;
    }
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

  /** One inbound request: read and route it, authenticate, answer, then record and publish the exchange. */
  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const received = receivedRequest(req);
    const routed: Routed = { params: {} };
    let response: HandlerResponse;
    try {
      response = await this.answer(req, received, routed);
    } catch (error) {
      response = { status: 500, body: { errcode: 'M_UNKNOWN', error: `fake server handler failed: ${(error as Error).stack ?? error}` } };
    }
    const answered = respond(req, res, response);
    const record = this.recorder.add({
      kind: 'inbound',
      at: startedAt,
      method: received.method,
      uri: received.uri,
      path: received.path,
      query: new URLSearchParams(received.rawQuery),
      headers: received.headers,
      body: routed.body,
      ...(routed.origin !== undefined ? { origin: routed.origin } : {}),
      ...(routed.authError !== undefined ? { authError: routed.authError } : {}),
      ...(routed.handler !== undefined ? { handler: routed.handler.name } : {}),
      params: routed.params,
      unexpected: routed.handler === undefined,
      ...answered,
      durationMs: Date.now() - startedAt,
    });
    this.publishInbound(record);
  }

  /**
   * Reads the body, finds the handler, checks X-Matrix and lets the handler answer; `routed` keeps what each
   * step learnt, for the record, also when a later step throws.
   */
  private async answer(req: IncomingMessage, received: ReceivedRequest, routed: Routed): Promise<HandlerResponse> {
    const { method, uri, path, headers } = received;
    routed.body = parseBody((await readBody(req)).toString('utf8'));
    const match = this.findHandler(method, path);
    if (match) {
      routed.handler = match.handler;
      routed.params = match.params;
    }
    if (!match || match.handler.authenticated) {
      const auth = await this.authenticate(method, uri, headers.authorization, routed.body);
      routed.origin = auth.origin;
      routed.authError = auth.error;
    }
    if (!match) return { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: `fake server has no handler for ${method} ${path}` } };
    if (match.handler.authenticated && routed.authError !== undefined)
      return { status: 401, body: { errcode: 'M_UNAUTHORIZED', error: routed.authError } };
    return match.handler.handle(
      {
        method,
        uri,
        path,
        query: new URLSearchParams(received.rawQuery),
        params: match.params,
        headers,
        body: routed.body,
        origin: routed.origin ?? '',
      },
      this,
    );
  }

  private publishInbound(record: InboundRecord): void {
    publishHttpExchange({
      actor: 'fake-server',
      from: record.origin ?? 'unauthenticated peer',
      to: `fake ${this.serverName}`,
      method: record.method,
      url: record.uri,
      requestHeaders: record.headers,
      requestBody: record.body,
      ...(record.status
        ? { status: record.status, responseBody: record.responseBody }
        : { error: 'fake server hung up or stalled on purpose' }),
      startedAt: record.at,
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

/** The request line and headers of an inbound request. */
interface ReceivedRequest {
  method: string;
  /** Raw request target (path + query) as received; what X-Matrix signs. */
  uri: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
}

/** What dispatch learnt about a request: its body, the handler that takes it and its params, who sent it. */
interface Routed {
  body?: unknown;
  handler?: FederationHandler;
  params: Record<string, string>;
  origin?: string;
  authError?: string;
}

function receivedRequest(req: IncomingMessage): ReceivedRequest {
  const uri = req.url ?? '/';
  const [path, rawQuery = ''] = splitOnce(uri, '?');
  return { method: req.method ?? 'GET', uri, path, rawQuery, headers: flattenHeaders(req.headers) };
}

/** Writes the answer (or hangs up, or stalls); status 0 when no answer was written on purpose. */
function respond(req: IncomingMessage, res: ServerResponse, response: HandlerResponse): { status: number; responseBody: unknown } {
  if ('hangUp' in response) {
    req.socket.destroy();
    return { status: 0, responseBody: undefined };
  }
  if ('stall' in response) return { status: 0, responseBody: undefined }; // the socket stays open until close() destroys it
  const text = response.rawBody ?? (response.body === undefined ? '' : JSON.stringify(response.body));
  res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
  res.end(text);
  return { status: response.status, responseBody: response.rawBody ?? response.body };
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
