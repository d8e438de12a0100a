/**
 * A typed Matrix client-server API client on undici. `do()` never throws on an HTTP status; the named
 * helpers throw HttpError on non-2xx. Every exchange is published on the HTTP transcript channel.
 */
import { HttpError, queryString, safeStringify, send, truncate, type Query, type RawResponse } from '../http';

export { HttpError, NetworkError, type Query, type QueryValue, type RawResponse } from '../http';

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  timeoutMs?: number;
  /** Send without the access token (e.g. registration). */
  anonymous?: boolean;
}

export interface CSClientOptions {
  baseUrl: string;
  accessToken?: string;
  userId?: string;
  deviceId?: string;
  timeoutMs?: number;
}

export interface StateEventInput {
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
}

export interface CreateRoomOptions {
  room_version?: string;
  preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  visibility?: 'public' | 'private';
  name?: string;
  topic?: string;
  room_alias_name?: string;
  invite?: string[];
  initial_state?: StateEventInput[];
  power_level_content_override?: Record<string, unknown>;
  creation_content?: Record<string, unknown>;
  is_direct?: boolean;
}

export interface ClientEvent {
  type: string;
  state_key?: string;
  sender: string;
  content: Record<string, any>;
  event_id?: string;
  origin_server_ts?: number;
  unsigned?: Record<string, any>;
}

export interface SyncBody {
  next_batch: string;
  rooms?: {
    join?: Record<string, { state?: { events: ClientEvent[] }; timeline?: { events: ClientEvent[] } }>;
    invite?: Record<string, { invite_state?: { events: ClientEvent[] } }>;
    knock?: Record<string, { knock_state?: { events: ClientEvent[] } }>;
    leave?: Record<string, { state?: { events: ClientEvent[] }; timeline?: { events: ClientEvent[] } }>;
  };
  [key: string]: unknown;
}

export interface SyncOptions {
  since?: string;
  filter?: string | Record<string, unknown>;
  /** Server-side long-poll time in ms. */
  timeout?: number;
  fullState?: boolean;
  timeoutMs?: number;
}

export interface SyncUntilOptions {
  since?: string;
  filter?: string | Record<string, unknown>;
  timeoutMs: number;
}

export interface PublicRoomsOptions {
  server?: string;
  limit?: number;
  since?: string;
  /** When set, the POST form is used: `{ generic_search_term?, room_types? }`. */
  filter?: Record<string, unknown>;
  include_all_networks?: boolean;
  third_party_instance_id?: string;
}

export interface PublicRoomsChunkEntry {
  room_id: string;
  join_rule?: string;
  name?: string;
  topic?: string;
  num_joined_members: number;
  world_readable: boolean;
  guest_can_join: boolean;
  canonical_alias?: string;
  room_type?: string;
  [key: string]: unknown;
}

export interface PublicRoomsBody {
  chunk: PublicRoomsChunkEntry[];
  next_batch?: string;
  prev_batch?: string;
  total_room_count_estimate?: number;
}

export class CSClient {
  readonly baseUrl: string;
  accessToken?: string;
  userId?: string;
  deviceId?: string;
  readonly timeoutMs: number;

  constructor(options: CSClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.accessToken = options.accessToken;
    this.userId = options.userId;
    this.deviceId = options.deviceId;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Raw call: any status is returned; only network failures and timeouts throw (NetworkError). */
  async do<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.accessToken && !options.anonymous) headers.authorization = `Bearer ${this.accessToken}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return send<T>({
      method,
      url: this.baseUrl + path + queryString(options.query),
      headers,
      body: options.body,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      exchange: {
        actor: 'cs-client',
        from: `${this.userId ?? 'anonymous'} (client)`,
        to: this.baseUrl,
        requestHeaders: redactAuthorization(headers),
      },
    });
  }

  /** Like do(), but a non-2xx status throws HttpError. */
  async must<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.do<T>(method, path, options);
    if (response.status < 200 || response.status > 299) throw new HttpError(method, path, response);
    // Every endpoint the named helpers call answers a JSON object on success; anything else is a broken server.
    if (response.body !== undefined && (typeof response.body !== 'object' || response.body === null)) {
      throw new HttpError(method, path, response, 'answered a 2xx status with a body that is not a JSON object');
    }
    return response.body;
  }

  /** Registers with m.login.dummy (open registration) and adopts the new identity. */
  async register(localpart: string, password = 'knockknock-password'): Promise<{ userId: string; accessToken: string; deviceId: string }> {
    const path = '/_matrix/client/v3/register';
    const body: Record<string, unknown> = { username: localpart, password, inhibit_login: false };
    // m.login.dummy without a session first: servers that complete the dummy stage at once (Synapse does) save a
    // round trip; a server that wants the session answers 401 with one, and the second request carries it.
    let response = await this.do('POST', path, { body: { ...body, auth: { type: 'm.login.dummy' } }, anonymous: true });
    if (response.status === 401 && response.body?.session) {
      response = await this.do('POST', path, {
        body: { ...body, auth: { type: 'm.login.dummy', session: response.body.session } },
        anonymous: true,
      });
    }
    if (response.status !== 200) throw new HttpError('POST', path, response);
    if (typeof response.body?.user_id !== 'string' || typeof response.body?.access_token !== 'string') {
      throw new HttpError('POST', path, response, 'answered 200 without user_id and access_token');
    }
    this.adopt(response.body);
    return { userId: response.body.user_id, accessToken: response.body.access_token, deviceId: response.body.device_id };
  }

  adopt(identity: {
    user_id?: string;
    userId?: string;
    access_token?: string;
    accessToken?: string;
    device_id?: string;
    deviceId?: string;
  }): void {
    this.userId = identity.user_id ?? identity.userId;
    this.accessToken = identity.access_token ?? identity.accessToken;
    this.deviceId = identity.device_id ?? identity.deviceId;
  }

  async whoami(): Promise<{ user_id: string; device_id?: string }> {
    return this.must('GET', '/_matrix/client/v3/account/whoami');
  }

  async createRoom(options: CreateRoomOptions = {}): Promise<{ room_id: string; room_alias?: string }> {
    return this.must('POST', '/_matrix/client/v3/createRoom', { body: options });
  }

  async invite(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.must('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { body: withReason({ user_id: userId }, reason) });
  }

  async kick(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.must('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/kick`, { body: withReason({ user_id: userId }, reason) });
  }

  async ban(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.must('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/ban`, { body: withReason({ user_id: userId }, reason) });
  }

  async unban(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.must('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/unban`, { body: withReason({ user_id: userId }, reason) });
  }

  async leave(roomId: string, reason?: string): Promise<void> {
    await this.must('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: withReason({}, reason) });
  }

  async join(roomIdOrAlias: string, options: { via?: string[]; reason?: string } = {}): Promise<{ room_id: string }> {
    return this.must('POST', `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`, {
      query: { via: options.via },
      body: withReason({}, options.reason),
    });
  }

  /** POST /_matrix/client/v3/knock/{roomIdOrAlias}; `via` is the current parameter, `serverName` the deprecated one. */
  async knock(
    roomIdOrAlias: string,
    options: { via?: string[]; serverName?: string[]; reason?: string } = {},
  ): Promise<{ room_id: string }> {
    return this.must('POST', this.knockPath(roomIdOrAlias), {
      query: { via: options.via, server_name: options.serverName },
      body: withReason({}, options.reason),
    });
  }

  knockPath(roomIdOrAlias: string): string {
    return `/_matrix/client/v3/knock/${enc(roomIdOrAlias)}`;
  }

  async sync(options: SyncOptions = {}): Promise<SyncBody> {
    const longPoll = options.timeout ?? 0;
    const path = '/_matrix/client/v3/sync';
    const body = await this.must<SyncBody>('GET', path, {
      query: {
        since: options.since,
        filter: typeof options.filter === 'object' ? JSON.stringify(options.filter) : options.filter,
        timeout: longPoll,
        full_state: options.fullState,
      },
      timeoutMs: options.timeoutMs ?? longPoll + this.timeoutMs,
    });
    if (typeof body?.next_batch !== 'string') {
      throw new HttpError('GET', path, { status: 200, headers: {}, body }, 'answered 200 without a next_batch token');
    }
    return body;
  }

  /**
   * Polls /sync (long-polling from `since`) until the predicate holds for one response; returns that body and
   * its next_batch. On timeout, throws with a summary of what the last sync showed.
   */
  async syncUntil(predicate: (body: SyncBody) => boolean, options: SyncUntilOptions): Promise<{ body: SyncBody; since: string }> {
    const deadline = Date.now() + options.timeoutMs;
    let since = options.since;
    let last: SyncBody | undefined;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const longPoll = since === undefined ? 0 : Math.min(remaining, 1_000);
      const body = await this.sync({ since, filter: options.filter, timeout: longPoll });
      last = body;
      if (predicate(body)) return { body, since: body.next_batch };
      since = body.next_batch;
    }
    throw new SyncTimeoutError(
      `syncUntil for ${this.userId ?? 'anonymous'} timed out after ${options.timeoutMs} ms; last sync showed: ${summariseSync(last)}`,
    );
  }

  async state(roomId: string): Promise<ClientEvent[]> {
    return this.must('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state`);
  }

  /** Content of one state event. */
  async stateEvent(roomId: string, type: string, stateKey = ''): Promise<Record<string, any>> {
    return this.must('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`);
  }

  async sendState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<{ event_id: string }> {
    return this.must('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { body: content });
  }

  async sendMessage(
    roomId: string,
    content: Record<string, unknown> | string,
    eventType = 'm.room.message',
  ): Promise<{ event_id: string }> {
    const body = typeof content === 'string' ? { msgtype: 'm.text', body: content } : content;
    return this.must('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(eventType)}/${nextTxnId()}`, { body });
  }

  /** GET /publicRooms, or POST when a filter (or another POST-only field) is given. */
  async publicRooms(options: PublicRoomsOptions = {}): Promise<PublicRoomsBody> {
    const path = '/_matrix/client/v3/publicRooms';
    const usePost =
      options.filter !== undefined || options.include_all_networks !== undefined || options.third_party_instance_id !== undefined;
    if (!usePost) {
      return this.must('GET', path, { query: { server: options.server, limit: options.limit, since: options.since } });
    }
    const body: Record<string, unknown> = {};
    if (options.filter) body.filter = options.filter;
    if (options.limit !== undefined) body.limit = options.limit;
    if (options.since !== undefined) body.since = options.since;
    if (options.include_all_networks !== undefined) body.include_all_networks = options.include_all_networks;
    if (options.third_party_instance_id !== undefined) body.third_party_instance_id = options.third_party_instance_id;
    return this.must('POST', path, { query: { server: options.server }, body });
  }

  async setRoomAlias(alias: string, roomId: string): Promise<void> {
    await this.must('PUT', `/_matrix/client/v3/directory/room/${enc(alias)}`, { body: { room_id: roomId } });
  }

  async resolveAlias(alias: string): Promise<{ room_id: string; servers: string[] }> {
    return this.must('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`);
  }

  async setDirectoryVisibility(roomId: string, visibility: 'public' | 'private'): Promise<void> {
    await this.must('PUT', `/_matrix/client/v3/directory/list/room/${enc(roomId)}`, { body: { visibility } });
  }

  async directoryVisibility(roomId: string): Promise<'public' | 'private'> {
    const body = await this.must<{ visibility: 'public' | 'private' }>('GET', `/_matrix/client/v3/directory/list/room/${enc(roomId)}`);
    return body.visibility;
  }

  async profile(userId: string): Promise<{ displayname?: string; avatar_url?: string }> {
    return this.must('GET', `/_matrix/client/v3/profile/${enc(userId)}`);
  }

  async setDisplayName(displayname: string): Promise<void> {
    if (!this.userId) throw new Error('setDisplayName needs a logged-in client');
    await this.must('PUT', `/_matrix/client/v3/profile/${enc(this.userId)}/displayname`, { body: { displayname } });
  }
}

/** syncUntil ran out of time; the message says what the last sync showed. */
export class SyncTimeoutError extends Error {
  override name = 'SyncTimeoutError';
  readonly code = 'KK_SYNC_TIMEOUT';
}

/** The membership of `userId` in `roomId` as a sync body shows it ('join' | 'invite' | 'knock' | 'leave'), if any. */
export function membershipInSync(body: SyncBody, roomId: string, userId: string): string | undefined {
  const rooms = body.rooms ?? {};
  const candidates: ClientEvent[] = [
    ...(rooms.join?.[roomId]?.timeline?.events ?? []),
    ...(rooms.join?.[roomId]?.state?.events ?? []),
    ...(rooms.leave?.[roomId]?.timeline?.events ?? []),
    ...(rooms.invite?.[roomId]?.invite_state?.events ?? []),
    ...(rooms.knock?.[roomId]?.knock_state?.events ?? []),
  ];
  const member = candidates.filter((e) => e.type === 'm.room.member' && e.state_key === userId).pop();
  return member?.content?.membership;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

let txnCounter = 0;
function nextTxnId(): string {
  txnCounter += 1;
  return `kk-${process.pid}-${Date.now()}-${txnCounter}`;
}

function withReason<T extends Record<string, unknown>>(body: T, reason?: string): T & { reason?: string } {
  return reason === undefined ? body : { ...body, reason };
}

function redactAuthorization(headers: Record<string, string>): Record<string, string> {
  return headers.authorization ? { ...headers, authorization: 'Bearer <redacted>' } : headers;
}

function summariseSync(body: SyncBody | undefined): string {
  if (!body) return 'no sync completed';
  const rooms = body.rooms ?? {};
  const section = (name: string, value?: Record<string, unknown>) => `${name}=[${Object.keys(value ?? {}).join(', ')}]`;
  return truncate(
    `next_batch=${body.next_batch} ${section('join', rooms.join)} ${section('invite', rooms.invite)} ${section('knock', rooms.knock)} ${section('leave', rooms.leave)} rooms=${safeStringify(rooms)}`,
    2_000,
  );
}
