/**
 * Read-only room endpoints over the fake's copy of a room: /state, /state_ids, /event, /get_missing_events,
 * /backfill.
 */
import { builtInHandler, matrixError, type FederationHandler, type HandlerOptions, type HandlerResponse } from '../handler-types';
import type { FakeRoom, Pdu } from '../room';
import type { FakeServerContext } from '../context';

function stateAt(
  fake: FakeServerContext,
  roomId: string,
  eventId: string | null,
): { room: FakeRoom; stateIds: string[] } | HandlerResponse {
  const room = fake.room(roomId);
  if (!room) return matrixError(404, 'M_NOT_FOUND', `unknown room ${roomId}`);
  if (!eventId) return matrixError(400, 'M_MISSING_PARAM', 'event_id is required');
  const stateIds = room.stateIdsBefore(eventId);
  if (!stateIds) return matrixError(404, 'M_NOT_FOUND', `unknown event ${eventId} in ${roomId}`);
  return { room, stateIds };
}

export function handleState(options: HandlerOptions = {}): FederationHandler {
  return stateHandler(
    'state',
    (room, stateIds) => ({ pdus: stateIds.map((id) => room.event(id)!), auth_chain: room.authChain(stateIds) }),
    options,
  );
}

export function handleStateIds(options: HandlerOptions = {}): FederationHandler {
  return stateHandler(
    'state_ids',
    (room, stateIds) => ({ pdu_ids: stateIds, auth_chain_ids: room.authChain(stateIds).map((e) => room.idOf(e)) }),
    options,
  );
}

/** GET /state/{roomId} or /state_ids/{roomId}: the room's state before `event_id`, answered by `answer`. */
function stateHandler(
  name: 'state' | 'state_ids',
  answer: (room: FakeRoom, stateIds: string[]) => unknown,
  options: HandlerOptions,
): FederationHandler {
  return builtInHandler(
    { name, method: 'GET', path: `/_matrix/federation/v1/${name}/{roomId}` },
    (request, fake) => {
      const found = stateAt(fake, request.params.roomId, request.query.get('event_id'));
      if (!('room' in found)) return found;
      return { status: 200, body: answer(found.room, found.stateIds) };
    },
    options,
  );
}

export function handleEvent(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'event', method: 'GET', path: '/_matrix/federation/v1/event/{eventId}' },
    (request, fake) => {
      for (const room of fake.rooms.values()) {
        const event = room.event(request.params.eventId);
        if (event) return { status: 200, body: { origin: fake.serverName, origin_server_ts: Date.now(), pdus: [event] } };
      }
      return matrixError(404, 'M_NOT_FOUND', `unknown event ${request.params.eventId}`);
    },
    options,
  );
}

export function handleGetMissingEvents(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'get_missing_events', method: 'POST', path: '/_matrix/federation/v1/get_missing_events/{roomId}' },
    (request, fake) => {
      const room = fake.room(request.params.roomId);
      if (!room) return matrixError(404, 'M_NOT_FOUND', `unknown room ${request.params.roomId}`);
      const body = (request.body ?? {}) as { earliest_events?: string[]; latest_events?: string[]; limit?: number; min_depth?: number };
      const earliest = new Set(body.earliest_events ?? []);
      const limit = body.limit ?? 10;
      const minDepth = body.min_depth ?? 0;
      // Walk back from the latest events' prev_events, stopping at the earliest ones (spec: breadth-first).
      const found: Array<{ id: string; event: Pdu }> = [];
      const seen = new Set<string>(body.latest_events ?? []);
      let frontier = (body.latest_events ?? []).flatMap((id) => room.prevEventIdsOf(room.event(id)));
      while (frontier.length && found.length < limit) {
        const next: string[] = [];
        for (const id of frontier) {
          if (seen.has(id) || earliest.has(id)) continue;
          seen.add(id);
          const event = room.event(id);
          if (!event || event.depth < minDepth) continue;
          found.push({ id, event });
          if (found.length >= limit) break;
          next.push(...room.prevEventIdsOf(event));
        }
        frontier = next;
      }
      found.sort((a, b) => a.event.depth - b.event.depth);
      return { status: 200, body: { events: found.map((f) => f.event) } };
    },
    options,
  );
}

export function handleBackfill(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'backfill', method: 'GET', path: '/_matrix/federation/v1/backfill/{roomId}' },
    (request, fake) => {
      const room = fake.room(request.params.roomId);
      if (!room) return matrixError(404, 'M_NOT_FOUND', `unknown room ${request.params.roomId}`);
      const limit = Number(request.query.get('limit') ?? '10');
      const found: Pdu[] = [];
      const seen = new Set<string>();
      let frontier = request.query.getAll('v');
      while (frontier.length && found.length < limit) {
        const next: string[] = [];
        for (const id of frontier) {
          if (seen.has(id)) continue;
          seen.add(id);
          const event = room.event(id);
          if (!event) continue;
          found.push(event);
          if (found.length >= limit) break;
          next.push(...room.prevEventIdsOf(event));
        }
        frontier = next;
      }
      return { status: 200, body: { origin: fake.serverName, origin_server_ts: Date.now(), pdus: found } };
    },
    options,
  );
}
