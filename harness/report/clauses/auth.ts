/** Clauses of the catalogue for auth rules, knock_restricted, membership transitions (see harness/report/spec-clauses.ts). */
import { FILES, V7_AUTH, endpointAnchor, eventAnchor, headingAnchor, type ClauseInput } from './define';

const INVITE = {
  page: 'client-server-api',
  anchor: endpointAnchor('POST', '/_matrix/client/v3/rooms/{roomId}/invite'),
  file: 'data/api/client-server/inviting.yaml',
} as const;
const KICK = {
  page: 'client-server-api',
  anchor: endpointAnchor('POST', '/_matrix/client/v3/rooms/{roomId}/kick'),
  file: 'data/api/client-server/kicking.yaml',
} as const;
const JOIN = {
  page: 'client-server-api',
  anchor: endpointAnchor('POST', '/_matrix/client/v3/join/{roomIdOrAlias}'),
  file: 'data/api/client-server/joining.yaml',
} as const;
const MAKE_JOIN = {
  page: 'server-server-api',
  anchor: endpointAnchor('GET', '/_matrix/federation/v1/make_join/{roomId}/{userId}'),
  file: 'data/api/server-server/joins-v1.yaml',
} as const;
const SEND_JOIN = {
  page: 'server-server-api',
  anchor: endpointAnchor('PUT', '/_matrix/federation/v2/send_join/{roomId}/{eventId}'),
  file: 'data/api/server-server/joins-v2.yaml',
} as const;
const BANNING = { page: 'client-server-api', anchor: headingAnchor('Banning users in a room'), file: FILES.csApi } as const;
const MEMBER = { page: 'client-server-api', anchor: eventAnchor('m.room.member'), file: FILES.member } as const;

export const AUTH_CLAUSES = [
  // The v7 rules of v1.1 let only invite/join leave; v1.2 fixed them ("Spec Clarifications": allow knock -> leave in v7, v8, v9).
  {
    id: 'auth-rules.leave.from-knock',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    writtenIn: '1.2',
    title: 'Leave auth rule: a knocking user may leave the room (retract the knock)',
    quote:
      "If the `sender` matches `state_key`, allow if and only if that user's current membership state is `invite`, `join`, or `knock`.",
    source: V7_AUTH,
  },

  // Refusals of the client membership endpoints: the status is fixed, the errcode only an example.
  {
    id: 'transitions.invite-refused-403',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'POST /invite by a member below the invite level answers 403 (the errcode is only an example)',
    quote: 'You do not have permission to invite the user to the room. A meaningful `errcode` and description error text will be returned.',
    source: INVITE,
  },
  {
    id: 'transitions.kick-refused-403',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'POST /kick (denying a knock) without the power to kick the user answers 403 (the errcode is only an example)',
    quote: 'You do not have permission to kick the user from the room. A meaningful `errcode` and description error text will be returned.',
    source: KICK,
  },
  {
    id: 'transitions.join-refused-403',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'POST /join of a knocking user who is not invited answers 403 (the errcode is only an example)',
    quote: 'You do not have permission to join the room. A meaningful `errcode` and description error text will be returned.',
    source: JOIN,
  },
  // make_join/send_join v2 had no 403 response before v1.2 (added with restricted rooms, a backwards-compatible change).
  {
    id: 'transitions.make-join-refused-403',
    area: 'transition',
    level: 'MUST',
    since: '1.2',
    title: 'make_join for a knocking user who is not invited answers 403 (the errcode is only an example)',
    quote: 'The room that the joining server is attempting to join does not permit the user to join.',
    source: MAKE_JOIN,
  },
  {
    id: 'transitions.send-join-refused-403',
    area: 'transition',
    level: 'MUST',
    since: '1.2',
    title: 'send_join of a knocking user who is not invited answers 403 (the errcode is only an example)',
    quote: 'The room that the joining server is attempting to join does not permit the user to join.',
    source: SEND_JOIN,
  },

  // ban / unban
  {
    id: 'transitions.knock-to-ban.sets-ban',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'Banning a knocking user sets their membership to `ban`',
    quote: "Banning a user adjusts the banned member's membership state to `ban`.",
    source: BANNING,
  },
  {
    id: 'transitions.unban-to-leave',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'Unbanning a (formerly knocking) user sets their membership to `leave`',
    quote: '| **from `ban`** | Must never happen. | Must never happen. | User was unbanned.',
    source: MEMBER,
  },
] as const satisfies readonly ClauseInput[];
