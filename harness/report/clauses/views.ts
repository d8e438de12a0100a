/** Clauses of the catalogue for what clients see of a knock: member lists, room summaries, history. */
import { endpointAnchor, FILES, SEND_KNOCK, type ClauseInput } from './define';

const MEMBERS = {
  page: 'client-server-api',
  anchor: endpointAnchor('GET', '/_matrix/client/v3/rooms/{roomId}/members'),
  file: 'data/api/client-server/rooms.yaml',
} as const;
const SYNC = { page: 'client-server-api', anchor: endpointAnchor('GET', '/_matrix/client/v3/sync'), file: FILES.sync } as const;
const HIERARCHY = {
  page: 'client-server-api',
  anchor: endpointAnchor('GET', '/_matrix/client/v1/rooms/{roomId}/hierarchy'),
  file: 'data/api/client-server/space_hierarchy.yaml',
} as const;
const ROOM_SUMMARY = {
  page: 'client-server-api',
  anchor: endpointAnchor('GET', '/_matrix/client/v1/room_summary/{roomIdOrAlias}'),
  file: 'data/api/client-server/room_summary.yaml',
} as const;
const MESSAGES = {
  page: 'client-server-api',
  anchor: endpointAnchor('GET', '/_matrix/client/v3/rooms/{roomId}/messages'),
  file: 'data/api/client-server/message_pagination.yaml',
} as const;

export const VIEW_CLAUSES = [
  {
    id: 'members.membership-filter',
    area: 'member list',
    level: 'MUST',
    since: '1.1',
    title: 'GET /members with `membership=knock` lists the knocking users; `not_membership=knock` leaves them out',
    quote:
      "The kind of membership to filter for. Defaults to no filtering if unspecified. When specified alongside `not_membership`, the two parameters create an 'or' condition: either the membership is the same as `membership` or is not the same as `not_membership`.",
    source: MEMBERS,
  },
  {
    id: 'sync.summary-counts-exclude-knocks',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: "A joined room's summary counts joined and invited users only, not knocking ones",
    quote:
      "The number of users with `membership` of `join`, including the client's own user ID. … The number of users with `membership` of `invite`.",
    source: SYNC,
  },
  {
    id: 'messages.members-see-knock',
    area: 'history',
    level: 'MUST',
    since: '1.1',
    title: "A joined member's /messages of the room includes the knock event",
    quote: 'This API returns a list of message and state events for a room.',
    source: MESSAGES,
  },
  {
    id: 'sync.knock-state-bad-entries-removed',
    area: 'sync',
    level: 'SHOULD',
    since: '1.16',
    title: 'knock_room_state entries that are improperly signed or formatted are left out of the /sync knock_state',
    quote:
      'Entries which are [improperly signed](/server-server-api/#validating-hashes-and-signatures-on-received-events) or formatted SHOULD be removed by the server prior to supplying them over the Client-Server API.',
    source: SEND_KNOCK,
  },
  {
    id: 'hierarchy.knock-rooms-listed',
    area: 'hierarchy',
    level: 'SHOULD',
    since: '1.14',
    title: "A space's /hierarchy lists a knockable child room to a user who is not in it",
    quote:
      'The room is "knockable" (the room\'s join rules are set to `knock`, or `knock_restricted`, in a room version that supports those settings).',
    source: HIERARCHY,
  },
  {
    id: 'room-summary.knock-membership',
    area: 'room summary',
    level: 'SHOULD',
    since: '1.15',
    title: "GET /room_summary of a room the user knocked on gives join_rule knock and the user's membership knock",
    quote: 'The membership state of the user if the user is joined to the room.',
    source: ROOM_SUMMARY,
  },
] as const satisfies readonly ClauseInput[];
