/**
 * The fake server's users changing their membership in rooms the HSUT hosts, one handshake step at a time:
 * make_knock / send_knock, make_leave / send_leave. Every step returns the raw answer (never throws on a
 * status) so tests can assert refusals; knockOn/leaveRoom chain the steps for the common case.
 */
import { versionsWhere } from '../core';
import type { RawResponse } from '../http';
import { completeTemplate } from './outbound';
import type { Pdu } from './room';
import type { FakeServerContext } from './context';

const enc = encodeURIComponent;

export interface HandshakeOptions {
  /** `ver` query values for make_knock; null sends none. Default: every version core knows. */
  ver?: string[] | null;
  /** Another server to ask (default: the HSUT). */
  destination?: string;
}

export interface Handshake {
  make: RawResponse;
  /** Absent when make_* was refused. */
  send?: RawResponse;
  event?: Pdu;
  eventId?: string;
  roomVersion?: string;
}

export interface CompleteOptions {
  /** Extra content merged into the template's content (e.g. a reason). */
  content?: Record<string, unknown>;
  /** Top-level fields replaced after the template is filled in (undefined deletes the field). */
  overrides?: Record<string, unknown>;
}

export function makeKnock(fake: FakeServerContext, roomId: string, userId: string, options: HandshakeOptions = {}): Promise<RawResponse> {
  const ver = options.ver === undefined ? versionsWhere(() => true) : options.ver;
  return fake.request({
    destination: options.destination,
    method: 'GET',
    path: `/_matrix/federation/v1/make_knock/${enc(roomId)}/${enc(userId)}`,
    query: ver === null ? undefined : { ver },
  });
}

export function sendKnock(
  fake: FakeServerContext,
  roomId: string,
  eventId: string,
  event: Pdu,
  destination?: string,
): Promise<RawResponse> {
  return putEvent(fake, `/_matrix/federation/v1/send_knock/${enc(roomId)}/${enc(eventId)}`, event, destination);
}

export function makeLeave(fake: FakeServerContext, roomId: string, userId: string, destination?: string): Promise<RawResponse> {
  return fake.request({
    destination,
    method: 'GET',
    path: `/_matrix/federation/v1/make_leave/${enc(roomId)}/${enc(userId)}`,
  });
}

export function sendLeave(
  fake: FakeServerContext,
  roomId: string,
  eventId: string,
  event: Pdu,
  destination?: string,
): Promise<RawResponse> {
  return putEvent(fake, `/_matrix/federation/v2/send_leave/${enc(roomId)}/${enc(eventId)}`, event, destination);
}

/** send_knock / send_leave: the completed event as the body of a PUT. */
function putEvent(fake: FakeServerContext, path: string, event: Pdu, destination?: string): Promise<RawResponse> {
  return fake.request({ destination, method: 'PUT', path, body: event });
}

/**
 * Completes a make_* template as the fake server: `content` merged into the template's, then the top-level
 * `overrides` (undefined deletes a field). Without a room version the template is of version 1 (make_leave:
 * "If not provided, the room version is assumed to be either '1' or '2'").
 */
export function completeMembershipTemplate(
  fake: FakeServerContext,
  template: { event: Pdu; roomVersion?: string },
  options: CompleteOptions = {},
): { event: Pdu; eventId: string; roomVersion: string } {
  const version = template.roomVersion ?? '1';
  const withContent: Pdu = { ...template.event, content: { ...(template.event.content ?? {}), ...(options.content ?? {}) } };
  const { event, eventId } = completeTemplate(fake, withContent, version, options.overrides);
  return { event, eventId, roomVersion: version };
}

function completeAnswer(
  fake: FakeServerContext,
  make: RawResponse,
  options: CompleteOptions,
): { event: Pdu; eventId: string; roomVersion: string } {
  const { room_version: roomVersion, event } = make.body as { room_version?: string; event: Pdu };
  return completeMembershipTemplate(fake, { event, roomVersion }, options);
}

/** make_knock then send_knock for a fake user; stops after make_knock when that is refused. */
export async function knockOn(
  fake: FakeServerContext,
  roomId: string,
  userId: string,
  options: HandshakeOptions & CompleteOptions = {},
): Promise<Handshake> {
  const make = await makeKnock(fake, roomId, userId, options);
  if (make.status !== 200) return { make };
  const { event, eventId, roomVersion } = completeAnswer(fake, make, options);
  const send = await sendKnock(fake, roomId, eventId, event, options.destination);
  return { make, send, event, eventId, roomVersion };
}

/** make_leave then send_leave (v2) for a fake user: rescinds a knock, rejects an invite or leaves. */
export async function leaveRoom(
  fake: FakeServerContext,
  roomId: string,
  userId: string,
  options: CompleteOptions & { destination?: string } = {},
): Promise<Handshake> {
  const make = await makeLeave(fake, roomId, userId, options.destination);
  if (make.status !== 200) return { make };
  const { event, eventId, roomVersion } = completeAnswer(fake, make, options);
  const send = await sendLeave(fake, roomId, eventId, event, options.destination);
  return { make, send, event, eventId, roomVersion };
}
