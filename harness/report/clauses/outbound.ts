/** Clauses of the catalogue for HSUT as knocking server: outbound make_knock/send_knock, propagation, the knock lifecycle (see harness/report/spec-clauses.ts). */
import { CS_KNOCK, FILES, MAKE_KNOCK, SEND_KNOCK, SS_KNOCKING, SYNC, headingAnchor, type ClauseInput } from './define';

const STANDARD_ERROR = { page: 'client-server-api', anchor: headingAnchor('Standard error response'), file: FILES.csApi } as const;
const SIGNING_EVENTS = {
  page: 'server-server-api',
  anchor: headingAnchor('Adding hashes and signatures to outgoing events'),
  file: FILES.ssApi,
} as const;

export const OUTBOUND_CLAUSES = [
  {
    id: 'make_knock.ver',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: "The knocking server's make_knock lists in `ver` the room versions it supports",
    quote: 'The room versions the sending server has support for.',
    source: MAKE_KNOCK,
  },
  {
    id: 'make_knock.user-in-path',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: "make_knock's path names the user the knock is for",
    quote: 'The user ID the knock event will be for.',
    source: MAKE_KNOCK,
  },
  {
    id: 'send_knock.event-id-in-path',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: "send_knock's path carries the event ID of the knock event sent (the room version's event ID format)",
    quote: 'The event ID for the knock event.',
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.outbound-signed',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'The knock event the knocking server sends is hashed (hashes.sha256) and signed with its key',
    quote: "Submits a signed knock event to the resident server for it to accept into the room's graph.",
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.outbound-hashed',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'Outgoing events carry the content hash before they are signed',
    quote:
      'Before signing the event, the *content hash* of the event is calculated as described below. The hash is encoded using [Unpadded Base64](/appendices#unpadded-base64) and stored in the event object, in a `hashes` object, under a `sha256` key.',
    source: SIGNING_EVENTS,
  },
  {
    id: 'send_knock.sent-to-room',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'A resident server sends a knock it accepted (through send_knock or from its own user) to the other servers in the room',
    quote:
      'The handshake is largely the same as the joining rooms handshake … The resident server must also send the event to other servers participating in the room.',
    source: SS_KNOCKING,
  },
  {
    id: 'client.knock-failed-is-not-200',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    title: 'POST /knock answers 200 only when the room has been knocked upon: a failed handshake is an error, and no knock is recorded',
    quote: 'The room has been knocked upon.',
    source: CS_KNOCK,
  },
  {
    id: 'client.standard-error',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    title: 'A failed POST /knock answers a standard error response (a JSON object with errcode)',
    quote: 'Any errors which occur at the Matrix API level MUST return a "standard error response".',
    source: STANDARD_ERROR,
    sharedQuote: true,
  },
  {
    id: 'sync.joined-room-listed',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: 'Once the user joined the room whose knock was accepted, /sync lists it under `rooms.join`',
    quote: 'The rooms that the user has joined, mapped as room ID to room information.',
    source: SYNC,
  },
] as const satisfies readonly ClauseInput[];
