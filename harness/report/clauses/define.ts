/** The shapes of the spec clause catalogue, and the anchors and source files clauses cite. */
import type { SpecVersion } from '../../core/spec-versions';

export type Level = 'MUST' | 'SHOULD';

export type SpecPage = 'client-server-api' | 'server-server-api' | 'rooms/v1' | 'rooms/v7' | 'rooms/v10';

export interface SpecSource {
  page: SpecPage;
  /** The anchor on the rendered page (a heading, an endpoint or an event). */
  anchor: string;
  /** The file of matrix-org/matrix-spec whose text holds the quote. */
  file: string;
}

export interface SpecClause {
  id: string;
  area: string;
  title: string;
  level: Level;
  quote: string;
  source: SpecSource;
  since: SpecVersion;
  until?: SpecVersion;
  writtenIn?: SpecVersion;
  /** The first release with the quote's wording, where earlier releases state the same rule in other words. */
  wordedIn?: SpecVersion;
  /** The quote also stands in the text outside the clause's range (a shared sentence): no absence check. */
  sharedQuote?: boolean;
  /** Room versions where the clause applies; a matrix column outside this set reads "n/a". */
  appliesTo?: string[];
  /** The rendered text at the newest release that has the clause. */
  link: string;
}

/** The anchor spec.matrix.org gives an endpoint: method and path, lower case, without / { } . */
export function endpointAnchor(method: string, path: string): string {
  return `${method.toLowerCase()}${path.replace(/[/{}.]/g, '').toLowerCase()}`;
}

/** The anchor spec.matrix.org gives an event definition (`m.room.member` → `mroommember`). */
export function eventAnchor(type: string): string {
  return type.replace(/\./g, '');
}

/** The anchor hugo gives a heading without an explicit id. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .trim()
    .replace(/ /g, '-');
}

export const FILES = {
  knocks: 'data/api/server-server/knocks.yaml',
  csKnocking: 'data/api/client-server/knocking.yaml',
  ssApi: 'content/server-server-api.md',
  csApi: 'content/client-server-api/_index.md',
  member: 'data/event-schemas/schema/m.room.member.yaml',
  joinRules: 'data/event-schemas/schema/m.room.join_rules.yaml',
  sync: 'data/api/client-server/sync.yaml',
  chunk: 'data/api/client-server/definitions/public_rooms_chunk.yaml',
  roomsResponse: 'data/api/client-server/definitions/public_rooms_response.yaml',
  invitesV2: 'data/api/server-server/invites-v2.yaml',
  v1Auth: 'content/rooms/fragments/v1-auth-rules.md',
  v7: 'content/rooms/v7.md',
  v10: 'content/rooms/v10.md',
} as const;

export const MAKE_KNOCK = {
  page: 'server-server-api',
  anchor: endpointAnchor('GET', '/_matrix/federation/v1/make_knock/{roomId}/{userId}'),
  file: FILES.knocks,
} as const;
export const SEND_KNOCK = {
  page: 'server-server-api',
  anchor: endpointAnchor('PUT', '/_matrix/federation/v1/send_knock/{roomId}/{eventId}'),
  file: FILES.knocks,
} as const;
export const CS_KNOCK = {
  page: 'client-server-api',
  anchor: endpointAnchor('POST', '/_matrix/client/v3/knock/{roomIdOrAlias}'),
  file: FILES.csKnocking,
} as const;
export const CS_KNOCKING = { page: 'client-server-api', anchor: headingAnchor('Knocking on rooms'), file: FILES.csApi } as const;
export const SS_KNOCKING = { page: 'server-server-api', anchor: 'knocking-rooms', file: FILES.ssApi } as const;
export const SS_REQUEST_AUTH = { page: 'server-server-api', anchor: headingAnchor('Request Authentication'), file: FILES.ssApi } as const;
export const SYNC = { page: 'client-server-api', anchor: endpointAnchor('GET', '/_matrix/client/v3/sync'), file: FILES.sync } as const;
export const STRIPPED_STATE = { page: 'client-server-api', anchor: headingAnchor('Stripped state'), file: FILES.csApi } as const;
export const PUBLIC_ROOMS = {
  page: 'client-server-api',
  anchor: endpointAnchor('GET', '/_matrix/client/v3/publicRooms'),
  file: FILES.chunk,
} as const;
export const V7_AUTH = { page: 'rooms/v7', anchor: headingAnchor('Authorisation rules'), file: FILES.v7 } as const;
export const V10_AUTH = { page: 'rooms/v10', anchor: headingAnchor('Authorisation rules'), file: FILES.v10 } as const;

/** A clause as written in the catalogue; the link is derived from its source and range. */
export type ClauseInput = Omit<SpecClause, 'link'>;
