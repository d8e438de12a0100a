/**
 * PUT /send/{txnId}: PDUs are checked (signature, hash, membership auth) and appended to the fake's copy of
 * the room; EDUs are recorded. PUT /v2/invite: an invite for a user on the fake server, countersigned.
 */
import { getRoomVersion, signEvent } from '../../core';
import {
  builtInHandler,
  matrixError,
  type FederationHandler,
  type HandlerOptions,
  type HandlerResponse,
  type InboundRequest,
} from '../handler-types';
import { checkPduSignature } from '../pdu-checks';
import { serverOf, type Pdu } from '../room';
import type { FakeServerContext } from '../context';

export function handleTransactions(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler({ name: 'send', method: 'PUT', path: '/_matrix/federation/v1/send/{txnId}' }, answerTransaction, options);
}

async function answerTransaction(request: InboundRequest, fake: FakeServerContext): Promise<HandlerResponse> {
  const body = request.body as { pdus?: unknown; edus?: unknown } | undefined;
  if (!body || typeof body !== 'object' || !Array.isArray(body.pdus)) {
    return matrixError(400, 'M_BAD_JSON', 'transaction has no pdus array');
  }
  const results: Record<string, { error?: string }> = {};
  for (const pdu of body.pdus as Pdu[]) {
    const outcome = await acceptPdu(fake, pdu, request.origin);
    if (outcome.eventId) results[outcome.eventId] = outcome.error ? { error: outcome.error } : {};
  }
  for (const edu of Array.isArray(body.edus) ? (body.edus as Array<{ edu_type?: unknown; content?: unknown }>) : []) {
    fake.recorder.add({ kind: 'edu', at: Date.now(), origin: request.origin, eduType: String(edu?.edu_type), content: edu?.content });
  }
  return { status: 200, body: { pdus: results } };
}

async function acceptPdu(fake: FakeServerContext, event: Pdu, origin: string): Promise<{ eventId?: string; error?: string }> {
  const roomId = typeof event?.room_id === 'string' ? event.room_id : '';
  const room = fake.room(roomId);
  const base = { kind: 'pdu' as const, at: Date.now(), origin, via: 'send', roomId, event };
  if (!room) {
    fake.recorder.add({ ...base, eventId: '', signatureVerified: false, accepted: false, rejection: `unknown room ${roomId}` });
    return {};
  }
  let eventId: string;
  try {
    eventId = room.idOf(event);
  } catch (error) {
    fake.recorder.add({ ...base, eventId: '', signatureVerified: false, accepted: false, rejection: (error as Error).message });
    return {};
  }
  const check = await checkPduSignature(fake.keys, event, room.version);
  if (!check.signatureVerified || !check.contentHashValid) {
    const rejection = check.problems.join('; ');
    fake.recorder.add({ ...base, eventId, signatureVerified: check.signatureVerified, accepted: false, rejection });
    return { eventId, error: rejection };
  }
  // The fake enforces only the membership rules of the rooms it hosts; in rooms it joined, the HSUT is authoritative.
  const verdict = room.addEvent(event, { eventId, check: room.hosted });
  if (!verdict.allowed) {
    fake.recorder.add({ ...base, eventId, signatureVerified: true, accepted: false, rejection: verdict.rule });
    return { eventId, error: verdict.rule };
  }
  fake.recorder.add({ ...base, eventId, signatureVerified: true, accepted: true });
  return { eventId };
}

export interface InviteHandlerOptions extends HandlerOptions {
  /** Decide per invite; return a response to refuse (e.g. 403). Default: accept every well-signed invite. */
  decide?: (event: Pdu, request: InboundRequest) => HandlerResponse | undefined;
}

export function handleInvites(options: InviteHandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'invite', method: 'PUT', path: '/_matrix/federation/v2/invite/{roomId}/{eventId}' },
    (request, fake) => answerInvite(request, fake, options),
    options,
  );
}

async function answerInvite(request: InboundRequest, fake: FakeServerContext, options: InviteHandlerOptions): Promise<HandlerResponse> {
  const body = request.body as { room_version?: unknown; event?: Pdu; invite_room_state?: unknown } | undefined;
  const event = body?.event;
  if (!event || typeof event !== 'object' || typeof body?.room_version !== 'string') {
    return matrixError(400, 'M_BAD_JSON', 'invite body needs room_version and event');
  }
  let version;
  try {
    version = getRoomVersion(body.room_version);
  } catch {
    return matrixError(400, 'M_INCOMPATIBLE_ROOM_VERSION', `unknown room version ${body.room_version}`, {
      room_version: body.room_version,
    });
  }
  const { roomId, eventId } = request.params;
  if (event.type !== 'm.room.member' || event.content?.membership !== 'invite')
    return matrixError(400, 'M_BAD_JSON', 'not an invite event');
  if (typeof event.state_key !== 'string' || serverOf(event.state_key) !== fake.serverName) {
    return matrixError(400, 'M_BAD_JSON', `invitee ${String(event.state_key)} is not on ${fake.serverName}`);
  }
  const check = await checkPduSignature(fake.keys, event, version);
  const record = {
    kind: 'pdu' as const,
    at: Date.now(),
    origin: request.origin,
    via: 'invite',
    roomId,
    eventId,
    event,
    signatureVerified: check.signatureVerified,
  };
  if (!check.signatureVerified) {
    fake.recorder.add({ ...record, accepted: false, rejection: check.problems.join('; ') });
    return matrixError(403, 'M_FORBIDDEN', check.problems.join('; '));
  }
  const refusal = options.decide?.(event, request);
  if (refusal) {
    fake.recorder.add({ ...record, accepted: false, rejection: 'refused by the test' });
    return refusal;
  }
  fake.recorder.add({ ...record, accepted: true });
  const countersigned = signEvent(event, version, fake.serverName, fake.key.keyId, fake.key.seed);
  return { status: 200, body: { event: countersigned } };
}
