/**
 * Content hash, reference hash, event IDs and v12 room IDs (server-server API "Calculating the content hash /
 * reference hash for an event"; /rooms/v3, v4 "Event IDs"; /rooms/v12 room IDs).
 */
import { createHash } from 'node:crypto';
import { canonicalJsonBytes } from './canonical-json';
import { encodeBase64, encodeBase64Url } from './base64';
import { redactEvent } from './redaction';
import { getRoomVersion, resolveRoomVersion, type RoomVersionLike } from './room-versions';

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Unpadded standard base64 of sha256 over the event without `unsigned`, `signatures`, `hashes`: `hashes.sha256`. */
export function contentHash(event: object): string {
  const { unsigned: _u, signatures: _s, hashes: _h, ...hashed } = event as Record<string, unknown>;
  return encodeBase64(sha256(canonicalJsonBytes(hashed)));
}

/** sha256 over the redacted event without `signatures` and `unsigned` (and, from v3, without `event_id`). */
export function referenceHashBytes(event: object, roomVersion: RoomVersionLike): Uint8Array {
  const version = resolveRoomVersion(roomVersion);
  const { signatures: _s, unsigned: _u, ...hashed } = redactEvent(event, version);
  // From v3 the event ID is derived from this hash, so a stray event_id field cannot be part of it.
  if (version.eventIdFormat !== 'v1') delete hashed.event_id;
  return sha256(canonicalJsonBytes(hashed));
}

/** Unpadded standard base64 of the reference hash (the form used in v1–v2 `prev_events` tuples). */
export function referenceHash(event: object, roomVersion: RoomVersionLike): string {
  return encodeBase64(referenceHashBytes(event, roomVersion));
}

export function eventId(event: object, roomVersion: RoomVersionLike): string {
  const version = resolveRoomVersion(roomVersion);
  switch (version.eventIdFormat) {
    case 'v1': {
      const id = (event as { event_id?: unknown }).event_id;
      if (typeof id !== 'string') throw new Error(`room version ${version.id} events carry their event_id; this one has none`);
      return id;
    }
    case 'v3':
      return `$${encodeBase64(referenceHashBytes(event, version))}`;
    case 'v4':
      return `$${encodeBase64Url(referenceHashBytes(event, version))}`;
  }
}

/** `!` + URL-safe reference hash of a create event, for room versions whose room ID derives from it (v12). */
export function roomIdForCreateEvent(createEvent: object): string {
  const create = createEvent as { type?: unknown; content?: { room_version?: unknown } };
  if (create.type !== 'm.room.create') throw new Error(`roomIdForCreateEvent: not an m.room.create event (type ${String(create.type)})`);
  const versionId = create.content?.room_version;
  if (typeof versionId !== 'string') throw new Error('roomIdForCreateEvent: content.room_version is missing');
  const version = getRoomVersion(versionId);
  if (!version.roomIdFromCreateHash) {
    throw new Error(`roomIdForCreateEvent: room version ${versionId} does not derive the room ID from the create event`);
  }
  return `!${encodeBase64Url(referenceHashBytes(createEvent, version))}`;
}
