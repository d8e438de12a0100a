/**
 * A room as the fake server sees it: the events it holds (a DAG), the state before and after each, and the
 * forward extremities. Rooms the fake hosts are built here from scratch; rooms it joined elsewhere start from
 * the state a send_join answer gave.
 */
import { randomBytes } from 'node:crypto';
import {
  authEventSelection,
  checkMembershipAuth,
  eventId as computeEventId,
  getRoomVersion,
  referenceHash,
  roomIdForCreateEvent,
  signEvent,
  type RoomVersion,
  type SigningKey,
} from '../core';
import { compareSpecVersions, judgedSpecVersion } from '../core/spec-versions';

/** A PDU on the wire. Fields are loose on purpose: tests build broken ones too. */
export interface Pdu {
  type: string;
  sender: string;
  content: Record<string, unknown>;
  state_key?: string;
  room_id?: string;
  event_id?: string;
  origin?: string;
  origin_server_ts: number;
  depth: number;
  prev_events: unknown[];
  auth_events: unknown[];
  hashes?: { sha256: string };
  signatures?: Record<string, Record<string, string>>;
  unsigned?: Record<string, unknown>;
  redacts?: string;
  [extra: string]: unknown;
}

export type JoinRule = 'public' | 'invite' | 'knock' | 'restricted' | 'knock_restricted' | 'private';

export interface EventSpec {
  type: string;
  sender: string;
  content: Record<string, unknown>;
  stateKey?: string;
  /** Defaults to the forward extremities. */
  prevEvents?: string[];
  /** Defaults to the auth rules' selection from current state. */
  authEvents?: string[];
  depth?: number;
  originServerTs?: number;
  /** Fields set on the event before hashing and signing (may break it on purpose); undefined removes one. */
  overrides?: Record<string, unknown>;
}

export interface Signer {
  serverName: string;
  key: SigningKey;
}

export type MembershipVerdict = { allowed: true } | { allowed: false; rule: string };

export function stateKeyOf(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

export function serverOf(userId: string): string {
  return userId.slice(userId.indexOf(':') + 1);
}

export class FakeRoom {
  readonly version: RoomVersion;
  /** Hosted by the fake server (true), or a room on another server the fake joined (false). */
  readonly hosted: boolean;
  private _roomId: string;
  private readonly events = new Map<string, Pdu>();
  /** Event IDs in the order the fake learned them. */
  private readonly order: string[] = [];
  private readonly stateBefore = new Map<string, Map<string, string>>();
  private current = new Map<string, string>();
  private extremities: string[] = [];

  constructor(
    roomId: string,
    roomVersion: string,
    hosted: boolean,
    private readonly signer: Signer,
  ) {
    this._roomId = roomId;
    this.version = getRoomVersion(roomVersion);
    this.hosted = hosted;
  }

  get roomId(): string {
    return this._roomId;
  }

  get forwardExtremities(): readonly string[] {
    return this.extremities;
  }

  event(eventId: string): Pdu | undefined {
    return this.events.get(eventId);
  }

  /** All events, in the order the fake learned them. */
  timeline(): Array<{ eventId: string; event: Pdu }> {
    return this.order.map((eventId) => ({ eventId, event: this.events.get(eventId)! }));
  }

  currentStateEvent(type: string, stateKey = ''): Pdu | undefined {
    const id = this.current.get(stateKeyOf(type, stateKey));
    return id === undefined ? undefined : this.events.get(id);
  }

  currentStateIds(): string[] {
    return [...this.current.values()];
  }

  currentState(): Pdu[] {
    return this.currentStateIds().map((id) => this.events.get(id)!);
  }

  membership(userId: string): string | undefined {
    return this.currentStateEvent('m.room.member', userId)?.content.membership as string | undefined;
  }

  /** Servers with at least one joined member (whom new events are sent to). */
  joinedServers(): string[] {
    const servers = new Set<string>();
    for (const event of this.currentState()) {
      if (event.type === 'm.room.member' && event.content.membership === 'join' && event.state_key) {
        servers.add(serverOf(event.state_key));
      }
    }
    return [...servers];
  }

  /** State IDs before `eventId` (what /state and /state_ids answer), or undefined when the event is unknown. */
  stateIdsBefore(eventId: string): string[] | undefined {
    const state = this.stateBefore.get(eventId);
    return state ? [...state.values()] : undefined;
  }

  /** Every event in the auth chains of `eventIds` (not including them), deduplicated. */
  authChain(eventIds: Iterable<string>): Pdu[] {
    const seen = new Set<string>();
    const stack = [...eventIds].flatMap((id) => this.authEventIdsOf(this.events.get(id)));
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      const event = this.events.get(id);
      if (!event) continue;
      seen.add(id);
      stack.push(...this.authEventIdsOf(event));
    }
    return [...seen].map((id) => this.events.get(id)!);
  }

  authEventIdsOf(event: Pdu | undefined): string[] {
    return event ? referencedIds(event.auth_events) : [];
  }

  prevEventIdsOf(event: Pdu | undefined): string[] {
    return event ? referencedIds(event.prev_events) : [];
  }

  /** The event ID of `event` in this room's version. */
  idOf(event: Pdu): string {
    return computeEventId(event, this.version);
  }

  /**
   * Builds, hashes and signs an event (by default as the fake server) without adding it.
   * auth_events follow the auth rules' selection from current state; prev_events are the forward extremities.
   */
  buildEvent(spec: EventSpec, signer: Signer = this.signer): { event: Pdu; eventId: string } {
    const prevIds = spec.prevEvents ?? [...this.extremities];
    const unsignedEvent: Pdu = {
      type: spec.type,
      sender: spec.sender,
      content: spec.content,
      ...(spec.stateKey !== undefined ? { state_key: spec.stateKey } : {}),
      room_id: this.roomId,
      origin_server_ts: spec.originServerTs ?? Date.now(),
      depth: spec.depth ?? this.nextDepth(prevIds),
      prev_events: this.references(prevIds),
      auth_events: [],
    };
    if (this.version.originInEvents) unsignedEvent.origin = signer.serverName;
    if (this.version.eventIdFormat === 'v1') unsignedEvent.event_id = `$${randomBytes(12).toString('hex')}:${signer.serverName}`;
    unsignedEvent.auth_events = this.references(spec.authEvents ?? this.selectAuthEvents(unsignedEvent));
    for (const [field, value] of Object.entries(spec.overrides ?? {})) {
      if (value === undefined) delete unsignedEvent[field];
      else unsignedEvent[field] = value;
    }
    const event = signEvent(unsignedEvent, this.version, signer.serverName, signer.key.keyId, signer.key.seed) as Pdu;
    return { event, eventId: this.idOf(event) };
  }

  /** Template for make_join / make_knock / make_leave answers: unsigned, no hashes. */
  membershipTemplate(userId: string, membership: string, content: Record<string, unknown> = {}): Pdu {
    const prevIds = [...this.extremities];
    const template: Pdu = {
      type: 'm.room.member',
      room_id: this.roomId,
      sender: userId,
      state_key: userId,
      content: { ...content, membership },
      origin_server_ts: Date.now(),
      depth: this.nextDepth(prevIds),
      prev_events: this.references(prevIds),
      auth_events: [],
    };
    if (this.version.originInEvents) template.origin = this.signer.serverName;
    template.auth_events = this.references(this.selectAuthEvents(template));
    return template;
  }

  /** The membership auth rules (core) for `event` against the state before it. */
  checkMembership(event: Pdu): MembershipVerdict {
    return checkMembershipAuth(event, this.authStateFor(event), this.version) as MembershipVerdict;
  }

  /**
   * Adds an event the fake built or accepted. Membership events are checked with the auth rules first unless
   * `check: false`; a refused event is not added and the verdict says which rule refused it.
   */
  addEvent(event: Pdu, options: { check?: boolean; eventId?: string } = {}): MembershipVerdict & { eventId: string } {
    const eventId = options.eventId ?? this.idOf(event);
    if (options.check !== false && event.type === 'm.room.member') {
      const verdict = this.checkMembership(event);
      if (!verdict.allowed) return { ...verdict, eventId };
    }
    this.insert(eventId, event);
    return { allowed: true, eventId };
  }

  /** Adds events without checks, e.g. the state and auth chain a send_join answer gave. */
  addOutlier(event: Pdu): string {
    const eventId = this.idOf(event);
    if (!this.events.has(eventId)) {
      this.events.set(eventId, event);
      this.order.push(eventId);
    }
    return eventId;
  }

  /** Sets current state (after a remote join: the answer's state plus the join). */
  resetState(stateEvents: Pdu[], extremities: string[]): void {
    this.current = new Map(stateEvents.map((e) => [stateKeyOf(e.type, e.state_key ?? ''), this.idOf(e)]));
    this.extremities = [...extremities];
  }

  /** Only for the create event of a v12 room, whose room ID is its hash. */
  setRoomIdFromCreate(createEvent: Pdu): void {
    this._roomId = roomIdForCreateEvent(createEvent);
  }

  /** State as stripped events (invite_room_state / knock_room_state). */
  strippedState(types = STRIPPED_STATE_TYPES): StrippedStateEvent[] {
    return this.currentState()
      .filter((e) => types.includes(e.type))
      .map((e) => ({ type: e.type, state_key: e.state_key, content: e.content, sender: e.sender }));
  }

  /**
   * `knock_room_state` (send_knock answers) and `invite_room_state` (invites) in the form the spec version
   * words them (default: the judged version of the run). Before v1.16 a list of stripped state events (type,
   * state_key, sender, content). Since v1.16 (MSC4311) the room's own current state events, as PDUs of the room
   * version (hashed, signed, with event_id in v1/v2 rooms), and m.room.create always among them. Copies: a test
   * may alter them without touching the room.
   */
  remoteRoomState(specVersion: string = judgedSpecVersion(), types = STRIPPED_STATE_TYPES): Array<Pdu | StrippedStateEvent> {
    if (!roomStateIsPdus(specVersion)) return this.strippedState(types);
    const wanted = types.includes('m.room.create') ? types : ['m.room.create', ...types];
    return this.currentState()
      .filter((e) => wanted.includes(e.type))
      .map((e) => structuredClone(e));
  }

  private insert(eventId: string, event: Pdu): void {
    if (this.events.has(eventId)) return;
    const prevIds = this.prevEventIdsOf(event);
    this.events.set(eventId, event);
    this.order.push(eventId);
    this.stateBefore.set(eventId, new Map(this.current));
    if (event.state_key !== undefined) this.current.set(stateKeyOf(event.type, event.state_key), eventId);
    this.extremities = [...this.extremities.filter((id) => !prevIds.includes(id)), eventId];
  }

  private nextDepth(prevIds: string[]): number {
    const depths = prevIds.map((id) => this.events.get(id)?.depth ?? 0);
    return depths.length ? Math.max(...depths) + 1 : 1;
  }

  private references(ids: string[]): unknown[] {
    if (this.version.prevEventsFormat === 'ids') return ids;
    return ids.map((id) => {
      const event = this.events.get(id);
      return [id, { sha256: event ? referenceHash(event, this.version) : '' }];
    });
  }

  private selectAuthEvents(event: Pdu): string[] {
    const ids: string[] = [];
    for (const [type, stateKey] of authEventSelection(event, this.version)) {
      const id = this.current.get(stateKeyOf(type, stateKey));
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /** The state the auth rules see for `event`: its auth_events when known, else current state. */
  private authStateFor(event: Pdu): Map<string, Pdu> {
    const cited = referencedIds(event.auth_events)
      .map((id) => this.events.get(id))
      .filter((e): e is Pdu => e !== undefined);
    const state = new Map(cited.map((e) => [stateKeyOf(e.type, e.state_key ?? ''), e]));
    if (!this.version.createInAuthEvents) {
      const create = this.currentStateEvent('m.room.create');
      if (create) state.set(stateKeyOf('m.room.create', ''), create);
    }
    return state;
  }
}

export type StrippedStateEvent = Pick<Pdu, 'type' | 'state_key' | 'content' | 'sender'>;

/** Whether knock_room_state / invite_room_state entries are PDUs (v1.16+, MSC4311) rather than stripped events. */
export function roomStateIsPdus(specVersion: string = judgedSpecVersion()): boolean {
  return compareSpecVersions(specVersion, '1.16') >= 0;
}

export const STRIPPED_STATE_TYPES = [
  'm.room.create',
  'm.room.join_rules',
  'm.room.canonical_alias',
  'm.room.avatar',
  'm.room.encryption',
  'm.room.name',
  'm.room.topic',
];

/** Event IDs from prev_events / auth_events in either format (`[id]` or `[[id, {sha256}]]`). */
export function referencedIds(references: unknown): string[] {
  if (!Array.isArray(references)) return [];
  return references.map((r) => (Array.isArray(r) ? r[0] : r)).filter((id): id is string => typeof id === 'string');
}
