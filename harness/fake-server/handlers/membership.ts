/**
 * make_join/send_join (v2), make_knock/send_knock, make_leave/send_leave (v2) for rooms the fake server hosts.
 * Events are checked (signature, hash, shape, event ID, membership auth rules) before they are accepted.
 */
import {
  builtInHandler,
  matrixError,
  type FederationHandler,
  type HandlerOptions,
  type HandlerResponse,
  type InboundRequest,
} from '../handler-types';
import { checkPduSignature } from '../pdu-checks';
import { serverOf, type FakeRoom, type Pdu } from '../room';
import type { FakeServerContext } from '../context';

type Membership = 'join' | 'knock' | 'leave';

const MAKE_PATHS: Record<Membership, string> = {
  join: '/_matrix/federation/v1/make_join/{roomId}/{userId}',
  knock: '/_matrix/federation/v1/make_knock/{roomId}/{userId}',
  leave: '/_matrix/federation/v1/make_leave/{roomId}/{userId}',
};

const SEND_PATHS: Record<Membership, string> = {
  join: '/_matrix/federation/v2/send_join/{roomId}/{eventId}',
  knock: '/_matrix/federation/v1/send_knock/{roomId}/{eventId}',
  leave: '/_matrix/federation/v2/send_leave/{roomId}/{eventId}',
};

export const handleMakeJoin = (options: HandlerOptions = {}): FederationHandler => makeHandler('join', options);
export const handleSendJoin = (options: HandlerOptions = {}): FederationHandler => sendHandler('join', options);
export const handleMakeKnock = (options: HandlerOptions = {}): FederationHandler => makeHandler('knock', options);
export const handleSendKnock = (options: HandlerOptions = {}): FederationHandler => sendHandler('knock', options);
export const handleMakeLeave = (options: HandlerOptions = {}): FederationHandler => makeHandler('leave', options);
export const handleSendLeave = (options: HandlerOptions = {}): FederationHandler => sendHandler('leave', options);

function makeHandler(membership: Membership, options: HandlerOptions): FederationHandler {
  return builtInHandler(
    { name: `make_${membership}`, method: 'GET', path: MAKE_PATHS[membership] },
    (request, fake) => answerMake(membership, request, fake),
    options,
  );
}

function sendHandler(membership: Membership, options: HandlerOptions): FederationHandler {
  return builtInHandler(
    { name: `send_${membership}`, method: 'PUT', path: SEND_PATHS[membership] },
    (request, fake) => answerSend(membership, request, fake, options.specVersion),
    options,
  );
}

function answerMake(membership: Membership, request: InboundRequest, fake: FakeServerContext): HandlerResponse {
  const { roomId, userId } = request.params;
  const room = fake.room(roomId);
  if (!room || !room.hosted) return matrixError(404, 'M_NOT_FOUND', `fake server hosts no room ${roomId}`);
  if (serverOf(userId) !== request.origin) {
    return matrixError(403, 'M_FORBIDDEN', `user ${userId} is not on the requesting server ${request.origin}`);
  }
  if (membership !== 'leave') {
    const supported = request.query.getAll('ver');
    const defaultVersions = membership === 'join' ? ['1'] : [];
    if (!(supported.length ? supported : defaultVersions).includes(room.version.id)) {
      return matrixError(400, 'M_INCOMPATIBLE_ROOM_VERSION', `room version ${room.version.id} not in ver`, {
        room_version: room.version.id,
      });
    }
  }
  if (membership === 'knock' && !room.version.knockAllowed) {
    return matrixError(403, 'M_FORBIDDEN', `room version ${room.version.id} does not support knocking`);
  }
  const template = room.membershipTemplate(userId, membership);
  const verdict = room.checkMembership(template);
  if (!verdict.allowed) return matrixError(403, 'M_FORBIDDEN', `auth rules refuse ${membership}: ${verdict.rule}`);
  return { status: 200, body: { room_version: room.version.id, event: template } };
}

async function answerSend(
  membership: Membership,
  request: InboundRequest,
  fake: FakeServerContext,
  specVersion?: string,
): Promise<HandlerResponse> {
  const { roomId, eventId } = request.params;
  const room = fake.room(roomId);
  if (!room || !room.hosted) return matrixError(404, 'M_NOT_FOUND', `fake server hosts no room ${roomId}`);
  const event = request.body as Pdu;
  const shapeProblem = checkShape(membership, event, room, request.origin);
  if (shapeProblem) return matrixError(400, 'M_BAD_JSON', shapeProblem);
  const computedId = room.idOf(event);
  if (computedId !== eventId) return matrixError(400, 'M_BAD_JSON', `event ID is ${computedId}, the path says ${eventId}`);

  const check = await checkPduSignature(fake.keys, event, room.version);
  const record = {
    kind: 'pdu' as const,
    at: Date.now(),
    origin: request.origin,
    via: `send_${membership}`,
    roomId,
    eventId,
    event,
    signatureVerified: check.signatureVerified,
  };
  if (!check.signatureVerified || !check.contentHashValid) {
    fake.recorder.add({ ...record, accepted: false, rejection: check.problems.join('; ') });
    return matrixError(403, 'M_FORBIDDEN', check.problems.join('; '));
  }
  const stateBefore = room.currentStateIds();
  const verdict = room.addEvent(event, { eventId });
  if (!verdict.allowed) {
    fake.recorder.add({ ...record, accepted: false, rejection: verdict.rule });
    return matrixError(403, 'M_FORBIDDEN', `auth rules refuse ${membership}: ${verdict.rule}`);
  }
  fake.recorder.add({ ...record, accepted: true });

  switch (membership) {
    case 'join': {
      const state = stateBefore.map((id) => room.event(id)!);
      return {
        status: 200,
        body: {
          origin: fake.serverName,
          state,
          auth_chain: room.authChain([...stateBefore, eventId]),
          event,
          members_omitted: false,
          servers_in_room: room.joinedServers(),
        },
      };
    }
    case 'knock':
      // Stripped state events before v1.16; the room's state events as PDUs of its version since (MSC4311).
      return { status: 200, body: { knock_room_state: room.remoteRoomState(specVersion) } };
    case 'leave':
      return { status: 200, body: {} };
  }
}

function checkShape(membership: Membership, event: Pdu, room: FakeRoom, origin: string): string | undefined {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return 'body is not an event object';
  if (event.room_id !== room.roomId) return `room_id ${String(event.room_id)} is not ${room.roomId}`;
  if (event.type !== 'm.room.member') return `type ${String(event.type)} is not m.room.member`;
  if (event.content?.membership !== membership) return `membership ${String(event.content?.membership)} is not ${membership}`;
  if (event.state_key !== event.sender) return 'state_key is not the sender';
  if (typeof event.sender !== 'string' || serverOf(event.sender) !== origin) return `sender ${String(event.sender)} is not on ${origin}`;
  return undefined;
}
