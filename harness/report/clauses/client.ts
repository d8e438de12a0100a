/** Clauses of the catalogue for client API: POST /knock, /sync, the room directory (see harness/report/spec-clauses.ts). */
import { CS_KNOCK, FILES, PUBLIC_ROOMS, STRIPPED_STATE, endpointAnchor, headingAnchor, type ClauseInput } from './define';

const CREATE_ROOM = {
  page: 'client-server-api',
  anchor: endpointAnchor('POST', '/_matrix/client/v3/createRoom'),
  file: 'data/api/client-server/create_room.yaml',
} as const;
const PUBLISHED_DIRECTORY = { page: 'client-server-api', anchor: headingAnchor('Published room directory'), file: FILES.csApi } as const;
const LIST_PUBLIC_ROOMS = {
  page: 'client-server-api',
  anchor: endpointAnchor('GET', '/_matrix/client/v3/publicRooms'),
  file: 'data/api/client-server/list_public_rooms.yaml',
} as const;
const POST_PUBLIC_ROOMS = {
  page: 'client-server-api',
  anchor: endpointAnchor('POST', '/_matrix/client/v3/publicRooms'),
  file: 'data/api/client-server/list_public_rooms.yaml',
} as const;
const FEDERATION_PUBLIC_ROOMS = {
  page: 'server-server-api',
  anchor: endpointAnchor('GET', '/_matrix/federation/v1/publicRooms'),
  file: 'data/api/server-server/public_rooms.yaml',
} as const;

export const CLIENT_CLAUSES = [
  // sync: knock_state
  {
    id: 'sync.knock-state-own-member',
    area: 'sync',
    level: 'SHOULD',
    since: '1.1',
    title: "`knock_state` includes the knocking user's own knock member event (shown only by the /sync example)",
    quote: 'The knock will appear as an entry in the response of the [`/sync`](/client-server-api/#get_matrixclientv3sync) API.',
    source: CS_KNOCK,
  },
  {
    id: 'sync.knock-state-limited',
    area: 'sync',
    level: 'SHOULD',
    since: '1.1',
    wordedIn: '1.6',
    title:
      '`knock_state` is a limited set of state: no other member\'s event, no power levels (the server "might include events not described here")',
    quote:
      'It consists of a limited set of state events that are themselves simplified to reduce the amount of data required. … The server might include events not described here as well.',
    source: STRIPPED_STATE,
  },

  // directory
  {
    id: 'directory.private-hidden-room-list',
    area: 'directory',
    level: 'MUST',
    since: '1.1',
    until: '1.15',
    title: 'A room whose directory visibility is `private` (the createRoom default) is not listed',
    quote:
      'A `private` visibility will hide the room from the published room list. Rooms default to `private` visibility if this key is not included.',
    source: CREATE_ROOM,
  },
  {
    id: 'directory.private-hidden',
    area: 'directory',
    level: 'MUST',
    since: '1.15',
    title: 'A room whose directory visibility is `private` (the createRoom default) is not listed',
    quote: '`private`: The room will be hidden from the published room directory.',
    source: PUBLISHED_DIRECTORY,
  },
  {
    id: 'directory.list',
    wordedIn: '1.15',
    area: 'directory',
    level: 'MUST',
    since: '1.1',
    title: 'GET and POST /publicRooms answer 200 with `chunk`, an array of PublishedRoomsChunk',
    quote: "Lists a server's published room directory. … Lists a server's published room directory with an optional filter.",
    source: LIST_PUBLIC_ROOMS,
  },
  {
    id: 'directory.chunk-fields',
    wordedIn: '1.2',
    area: 'directory',
    level: 'MUST',
    since: '1.1',
    title: "A PublishedRoomsChunk entry has `room_id`, `num_joined_members`, `world_readable` and `guest_can_join`, and the room's name",
    quote:
      'The name of the room, if any. … The number of members joined to the room. … Whether guest users may join the room and participate in it.',
    source: PUBLIC_ROOMS,
  },
  {
    id: 'directory.search-filter',
    area: 'directory',
    level: 'SHOULD',
    since: '1.1',
    title: 'POST /publicRooms with `generic_search_term` finds a published room by its name',
    quote: 'string to search for in the room metadata, e.g. name, topic, canonical alias',
    source: POST_PUBLIC_ROOMS,
  },
  {
    id: 'directory.remote-server',
    wordedIn: '1.15',
    area: 'directory',
    level: 'SHOULD',
    since: '1.1',
    title: "publicRooms with `server` returns that server's directory, fetched over federation",
    quote: 'The server to fetch the published room directory from. Defaults to the local server.',
    source: POST_PUBLIC_ROOMS,
  },
  {
    id: 'directory.federation-list',
    wordedIn: '1.15',
    area: 'directory',
    level: 'MUST',
    since: '1.1',
    title: 'The federation GET and POST /publicRooms answer 200 with `chunk`, an array of PublishedRoomsChunk',
    quote: "Lists the server's published room directory. … Lists the server's published room directory with an optional filter.",
    source: FEDERATION_PUBLIC_ROOMS,
  },
] as const satisfies readonly ClauseInput[];
