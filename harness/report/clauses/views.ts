/** Clauses of the catalogue for what clients see of a knock: member lists, room summaries, history. */
import { endpointAnchor, FILES, type ClauseInput } from './define';

const MEMBERS = { page: 'client-server-api', anchor: endpointAnchor('GET', '/_matrix/client/v3/rooms/{roomId}/members'), file: 'data/api/client-server/rooms.yaml' } as const;
const SYNC = { page: 'client-server-api', anchor: endpointAnchor('GET', '/_matrix/client/v3/sync'), file: FILES.sync } as const;
const MESSAGES = { page: 'client-server-api', anchor: endpointAnchor('GET', '/_matrix/client/v3/rooms/{roomId}/messages'), file: 'data/api/client-server/message_pagination.yaml' } as const;

export const VIEW_CLAUSES = [
  { id: 'members.membership-filter', area: 'member list', level: 'MUST', since: '1.1', title: 'GET /members with `membership=knock` lists the knocking users; `not_membership=knock` leaves them out', quote: "The kind of membership to filter for. Defaults to no filtering if unspecified. When specified alongside `not_membership`, the two parameters create an 'or' condition: either the membership is the same as `membership` or is not the same as `not_membership`.", source: MEMBERS },
  { id: 'sync.summary-counts-exclude-knocks', area: 'sync', level: 'MUST', since: '1.1', title: "A joined room's summary counts joined and invited users only, not knocking ones", quote: 'The number of users with `membership` of `join`, including the client\'s own user ID. … The number of users with `membership` of `invite`.', source: SYNC },
  { id: 'messages.members-see-knock', area: 'history', level: 'MUST', since: '1.1', title: "A joined member's /messages of the room includes the knock event", quote: 'This API returns a list of message and state events for a room.', source: MESSAGES },
] as const satisfies readonly ClauseInput[];
