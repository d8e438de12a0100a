/**
 * The catalogue of knock spec clauses the coverage matrix is drawn from. Tests name clauses in their title
 * with `[spec:<id>]`. Sources: spec PR matrix-org/matrix-doc#3368 (knocking, room version 7), MSC2403, and
 * room version 10 for knock_restricted (MSC3787).
 */
export type Level = 'MUST' | 'SHOULD';

export interface SpecClause {
  id: string;
  area: string;
  title: string;
  level: Level;
  link: string;
  /** Room versions where the clause applies; a matrix column outside this set reads "n/a". */
  appliesTo?: string[];
}

const SPEC = 'https://spec.matrix.org/v1.16';
const CS = `${SPEC}/client-server-api`;
const SS = `${SPEC}/server-server-api`;
const PRE_KNOCK_VERSIONS = ['1', '2', '3', '4', '5', '6'];
const PRE_KNOCK_RESTRICTED_VERSIONS = ['7', '8', '9'];

const clause = (area: string, id: string, level: Level, title: string, link: string, appliesTo?: string[]): SpecClause =>
  ({ id, area, level, title, link, ...(appliesTo ? { appliesTo } : {}) });

export const SPEC_CLAUSES: readonly SpecClause[] = [
  clause('membership', 'membership.knock', 'MUST', 'A `knock` membership is an m.room.member state event with `membership: knock` whose state_key is the knocking user', `${CS}#mroommember`),
  clause('membership', 'membership.knock-reason', 'SHOULD', 'The optional `reason` of a knock is kept in the event content', `${CS}#mroommember`),

  clause('join rule', 'join-rules.knock', 'MUST', 'Join rule `knock` lets users who are not in the room knock on it', `${CS}#mroomjoin_rules`),
  clause('join rule', 'join-rules.knock-needs-invite-to-join', 'MUST', 'In a `knock` room a user still needs an invite to join (same as `invite`)', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('join rule', 'join-rules.knock-only-with-knock-rule', 'MUST', 'Knocking on a room whose join rule is not `knock` (or `knock_restricted`) is refused', `${CS}#knocking-on-rooms`),

  clause('auth rule', 'auth-rules.knock.join-rule-not-knock', 'MUST', 'Knock auth rule i: reject if the join_rule is anything other than `knock`', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('auth rule', 'auth-rules.knock.sender-not-state-key', 'MUST', 'Knock auth rule ii: reject if sender does not match state_key', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('auth rule', 'auth-rules.knock.from-leave', 'MUST', 'Knock auth rule iii: allow when the sender has no membership or `leave`', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('auth rule', 'auth-rules.knock.from-knock', 'MUST', 'Knock auth rule iii: allow a repeated knock (membership `knock` is not ban/invite/join)', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('auth rule', 'auth-rules.knock.from-ban', 'MUST', 'Knock auth rule iv: reject when the sender is banned', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('auth rule', 'auth-rules.knock.from-invite', 'MUST', 'Knock auth rule iv: reject when the sender is invited', `${SPEC}/rooms/v7/#authorization-rules`),
  clause('auth rule', 'auth-rules.knock.from-join', 'MUST', 'Knock auth rule iv: reject when the sender is joined', `${SPEC}/rooms/v7/#authorization-rules`),

  clause('transition', 'transitions.knock-to-invite', 'MUST', 'knock → invite: a user with invite power accepts the knock', `${CS}#knocking-on-rooms`),
  clause('transition', 'transitions.knock-to-invite.insufficient-power', 'MUST', 'knock → invite is refused to a user below the invite level', `${CS}#knocking-on-rooms`),
  clause('transition', 'transitions.knock-to-leave.self', 'MUST', 'knock → leave by the knocking user retracts the knock', `${CS}#knocking-on-rooms`),
  clause('transition', 'transitions.knock-to-leave.self-over-federation', 'MUST', 'A remote knock is retracted over federation with make_leave/send_leave', `${SS}#leaving-rooms-rejecting-invites`),
  clause('transition', 'transitions.knock-to-leave.other', 'MUST', 'knock → leave by another user (kick level) denies the knock', `${CS}#knocking-on-rooms`),
  clause('transition', 'transitions.knock-to-leave.other-insufficient-power', 'MUST', 'Denying a knock is refused to a user below the kick level', `${CS}#knocking-on-rooms`),
  clause('transition', 'transitions.knock-to-ban', 'MUST', 'knock → ban rejects the knock and prevents further knocks', `${CS}#knocking-on-rooms`),
  clause('transition', 'transitions.knock-to-join-refused', 'MUST', 'knock → join without an invite must never happen', `${CS}#mroommember`),
  clause('transition', 'transitions.invite-accepts-knock', 'SHOULD', 'The knocking server treats an invite as acceptance of the knock, even if not linked to it', `${SS}#inviting-to-a-room`),

  clause('client endpoint', 'client.knock', 'MUST', 'POST /knock/{roomIdOrAlias} with a room ID answers 200 with `room_id`', `${CS}#post_matrixclientv3knockroomidoralias`),
  clause('client endpoint', 'client.knock-alias', 'MUST', 'POST /knock/{roomIdOrAlias} with an alias (and `server_name`) knocks on the aliased room', `${CS}#post_matrixclientv3knockroomidoralias`),
  clause('client endpoint', 'client.knock-reason', 'SHOULD', 'The `reason` of the knock request ends up in the knock event', `${CS}#post_matrixclientv3knockroomidoralias`),
  clause('client endpoint', 'client.knock-forbidden', 'MUST', 'POST /knock answers 403 M_FORBIDDEN when the user may not knock', `${CS}#post_matrixclientv3knockroomidoralias`),

  clause('sync', 'sync.knock-section', 'MUST', '/sync lists a knocked room under `rooms.knock` with `knock_state.events`', `${CS}#get_matrixclientv3sync`),
  clause('sync', 'sync.knock-state-stripped', 'MUST', '`knock_state` holds stripped state (including the user\'s knock member event)', `${CS}#get_matrixclientv3sync`),
  clause('sync', 'sync.knock-rejected-to-leave', 'MUST', 'A denied or retracted knock moves the room from `rooms.knock` to `rooms.leave`', `${CS}#get_matrixclientv3sync`),
  clause('sync', 'sync.knock-accepted-to-invite', 'MUST', 'An accepted knock shows the room under `rooms.invite`', `${CS}#get_matrixclientv3sync`),
  clause('sync', 'sync.room-members-see-knock', 'MUST', 'Members of the room see the knock member event in their timeline', `${CS}#get_matrixclientv3sync`),

  clause('directory', 'directory.knock-rooms-listed', 'SHOULD', 'Published rooms with join rule `knock` appear in /publicRooms with `join_rule: knock`', `${CS}#get_matrixclientv3publicrooms`),

  clause('make_knock', 'make_knock.template', 'MUST', 'make_knock answers 200 with `room_version` and a knock event template', `${SS}#get_matrixfederationv1make_knockroomiduserid`),
  clause('make_knock', 'make_knock.incompatible-version', 'MUST', 'make_knock answers 400 M_INCOMPATIBLE_ROOM_VERSION (with `room_version`) when `ver` lacks the room\'s version', `${SS}#get_matrixfederationv1make_knockroomiduserid`),
  clause('make_knock', 'make_knock.unknown-room', 'MUST', 'make_knock answers 404 M_NOT_FOUND for a room the server does not know', `${SS}#get_matrixfederationv1make_knockroomiduserid`),
  clause('make_knock', 'make_knock.forbidden', 'MUST', 'make_knock answers 403 M_FORBIDDEN when the user or server may not knock', `${SS}#get_matrixfederationv1make_knockroomiduserid`),
  clause('make_knock', 'make_knock.requires-auth', 'MUST', 'make_knock requires a valid X-Matrix signature', `${SS}#request-authentication`),

  clause('send_knock', 'send_knock.accepted', 'MUST', 'send_knock answers 200 with `knock_room_state` (stripped state)', `${SS}#put_matrixfederationv1send_knockroomideventid`),
  clause('send_knock', 'send_knock.persisted', 'MUST', 'A knock accepted through send_knock becomes room state the room members see', `${SS}#knocking-upon-a-room`),
  clause('send_knock', 'send_knock.forbidden', 'MUST', 'send_knock answers 403 M_FORBIDDEN when the knock fails the auth rules', `${SS}#put_matrixfederationv1send_knockroomideventid`),
  clause('send_knock', 'send_knock.unknown-room', 'MUST', 'send_knock answers 404 M_NOT_FOUND for a room the server does not know', `${SS}#put_matrixfederationv1send_knockroomideventid`),
  clause('send_knock', 'send_knock.requires-auth', 'MUST', 'send_knock requires a valid X-Matrix signature', `${SS}#request-authentication`),
  clause('send_knock', 'send_knock.outbound', 'MUST', 'Knocking on a remote room goes make_knock → send_knock to a resident server', `${SS}#knocking-upon-a-room`),

  clause('federation basics', 'federation.joins', 'MUST', 'Joins over federation work both ways (make_join/send_join v2), with events sent through /send', `${SS}#joining-rooms`),
  clause('federation basics', 'federation.knock', 'MUST', 'A knock over federation (make_knock/send_knock) completes with stripped state', `${SS}#knocking-upon-a-room`),
  clause('federation basics', 'federation.invite', 'MUST', 'Invites over federation (invite v2) are countersigned by the invited server', `${SS}#inviting-to-a-room`),
  clause('federation basics', 'federation.request-auth', 'MUST', 'Federation requests without a valid X-Matrix signature are refused with 401 M_UNAUTHORIZED', `${SS}#request-authentication`),

  clause('room versions', 'room-versions.knock-refused-before-v7', 'MUST', 'Rooms of versions 1–6 refuse knocks (no `knock` membership in their auth rules)', `${SPEC}/rooms/v7/`, PRE_KNOCK_VERSIONS),

  clause('knock_restricted', 'knock-restricted.knock', 'MUST', 'Join rule `knock_restricted` allows knocking (room version 10+)', `${SPEC}/rooms/v10/#authorization-rules`),
  clause('knock_restricted', 'knock-restricted.restricted-join', 'MUST', 'Join rule `knock_restricted` allows joins that satisfy `allow` conditions', `${SPEC}/rooms/v10/#authorization-rules`),
  clause('knock_restricted', 'knock-restricted.refused-before-v10', 'MUST', 'Rooms of versions 7–9 refuse knocks under join rule `knock_restricted`', `${SPEC}/rooms/v10/`, PRE_KNOCK_RESTRICTED_VERSIONS),
];

const byId = new Map(SPEC_CLAUSES.map((c) => [c.id, c]));

export function findSpecClause(id: string): SpecClause | undefined {
  return byId.get(id);
}
