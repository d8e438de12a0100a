/**
 * The catalogue of knock spec clauses. Each clause carries the spec sentence(s) that make it what it is (`quote`,
 * verbatim from the matrix-spec source file named in `source.file`; parts joined with " … "), its level as the
 * spec words it, and the spec releases whose text has it (`since` up to, not including, `until`). Where a rule
 * changed, each version of it is a clause of its own with its range.
 *
 * `writtenIn`: the release that wrote the rule down as a *clarification* (the changelog's "Spec Clarifications":
 * the behaviour was always intended), so it applies from `since`, the release that introduced the feature.
 *
 * Tests name clauses in their title (`[spec:<id>]`); `must.*`/`should.*` checks cite one through `spec(id, text)`
 * (harness/match/rule.ts). A check citing a clause outside the judged spec version is "not claimed", never failed.
 */
import { versionsWhere } from '../core/room-versions';
import { NEWEST_SPEC_VERSION, inVersionRange, previousSpecVersion, type SpecVersion } from '../core/spec-versions';

import {
  CS_KNOCK,
  CS_KNOCKING,
  FILES,
  MAKE_KNOCK,
  PUBLIC_ROOMS,
  SEND_KNOCK,
  SS_KNOCKING,
  SS_REQUEST_AUTH,
  STRIPPED_STATE,
  SYNC,
  V10_AUTH,
  V7_AUTH,
  endpointAnchor,
  eventAnchor,
  headingAnchor,
  type ClauseInput,
  type SpecClause,
} from './clauses/define';
import { AUTH_CLAUSES } from './clauses/auth';
import { CLIENT_CLAUSES } from './clauses/client';
import { INBOUND_CLAUSES } from './clauses/inbound';
import { OUTBOUND_CLAUSES } from './clauses/outbound';
import { SEND_PATH_CLAUSES } from './clauses/send-path';
import { VIEW_CLAUSES } from './clauses/views';

export { endpointAnchor, eventAnchor, headingAnchor } from './clauses/define';
export type { Level, SpecClause, SpecPage, SpecSource } from './clauses/define';

// Room version lists come from the room-version table, never literals.
const PRE_KNOCK_VERSIONS = versionsWhere((v) => !v.knockAllowed);
const PRE_KNOCK_RESTRICTED_VERSIONS = versionsWhere((v) => v.knockAllowed && !v.knockRestrictedAllowed);
const KNOCK_RESTRICTED_VERSIONS = versionsWhere((v) => v.knockRestrictedAllowed);

function linkOf(clause: ClauseInput): string {
  const version = clause.until ? previousSpecVersion(clause.until) : NEWEST_SPEC_VERSION;
  return `https://spec.matrix.org/v${version}/${clause.source.page}/#${clause.source.anchor}`;
}

const KNOCK_AUTH_RULE_ALLOW = "If the `sender`'s current membership is not `ban`, `invite`, or `join`, allow.";
const KNOCK_AUTH_RULE_REJECT = `${KNOCK_AUTH_RULE_ALLOW} … Otherwise, reject.`;

const CORE_CLAUSES = [
  // membership
  {
    id: 'membership.knock',
    area: 'membership',
    level: 'MUST',
    since: '1.1',
    title: 'A knock is an m.room.member event with membership `knock` whose state_key is the knocking user',
    quote:
      '`knock` - The user has knocked on the room, requesting permission to participate. They may not participate in the room until they join.',
    source: { page: 'client-server-api', anchor: eventAnchor('m.room.member'), file: FILES.member },
  },
  {
    id: 'membership.knock-reason',
    area: 'membership',
    level: 'SHOULD',
    since: '1.1',
    title: 'The optional `reason` of a knock is kept in the event content',
    quote: 'Optional reason to be included as the `reason` on the subsequent membership event.',
    source: CS_KNOCK,
  },

  // join rules
  {
    id: 'join-rules.knock',
    wordedIn: '1.2',
    area: 'join rule',
    level: 'MUST',
    since: '1.1',
    title: 'Join rule `knock` lets users who are not in the room knock on it',
    quote:
      '`knock` - a user can request an invite to the room. They can be allowed (invited) or denied (kicked/banned) access. Otherwise, users need to be invited in.',
    source: { page: 'client-server-api', anchor: eventAnchor('m.room.join_rules'), file: FILES.joinRules },
  },
  {
    id: 'join-rules.knock-needs-invite-to-join',
    wordedIn: '1.3',
    area: 'join rule',
    level: 'MUST',
    since: '1.1',
    title: 'In a `knock` room a user still needs an invite to join',
    quote: 'If the `join_rule` is `invite` or `knock` then allow if membership state is `invite` or `join`. … Otherwise, reject.',
    source: V7_AUTH,
  },
  {
    id: 'join-rules.knock-only-with-knock-rule',
    area: 'join rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knocking on a room whose join rule is not `knock` (or `knock_restricted`) is refused',
    quote: 'If the join rules allow, external users to the room can `/knock` on it to request permission to join.',
    source: CS_KNOCKING,
  },

  // auth rules
  {
    id: 'auth-rules.knock.join-rule-not-knock',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 1: reject if the join_rule is anything other than `knock` (v10+: or `knock_restricted`)',
    quote: 'If the `join_rule` is anything other than `knock`, reject.',
    source: V7_AUTH,
    sharedQuote: true,
  },
  {
    id: 'auth-rules.knock.sender-not-state-key',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 2: reject if sender does not match state_key',
    quote: 'If `sender` does not match `state_key`, reject.',
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.knock.from-leave',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 3: allow when the sender has no membership or `leave`',
    quote: KNOCK_AUTH_RULE_ALLOW,
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.knock.from-knock',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 3: allow a repeated knock (membership `knock` is not ban/invite/join)',
    quote: KNOCK_AUTH_RULE_ALLOW,
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.knock.from-ban',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 4: reject when the sender is banned',
    quote: KNOCK_AUTH_RULE_REJECT,
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.knock.from-invite',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 4: reject when the sender is invited',
    quote: KNOCK_AUTH_RULE_REJECT,
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.knock.from-join',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'Knock auth rule 4: reject when the sender is joined',
    quote: KNOCK_AUTH_RULE_REJECT,
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.auth-events-allowed',
    wordedIn: '1.14',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title:
      'An event citing auth events the selection does not name, or a knock without the create event (before v12) and the join rules, is rejected',
    quote:
      "If there are entries whose `type` and `state_key` don't match those specified by the auth events selection algorithm described in the server specification, reject. … If there is no `m.room.create` event among the entries, reject.",
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.auth-events-selection',
    area: 'auth rule',
    level: 'SHOULD',
    since: '1.1',
    title: "A knock's auth_events are exactly the selection: create (before v12), power levels, join rules",
    quote: 'for other events, it should be the following subset of the room state:',
    source: { page: 'server-server-api', anchor: headingAnchor('Auth events selection'), file: FILES.ssApi },
  },

  // transitions
  {
    id: 'transitions.knock-to-invite',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'knock → invite: a user with invite power accepts the knock',
    quote:
      'Users with appropriate permissions within the room can then approve ([`/invite`](#post_matrixclientv3roomsroomidinvite)) or deny',
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.knock-to-invite.insufficient-power',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'knock → invite is refused to a user below the invite level',
    quote: "To accept another user's knock, the user must have permission to invite users to the room.",
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.knock-to-leave.self',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'knock → leave by the knocking user retracts the knock',
    quote:
      'Knocks can be retracted by calling [`/leave`](#post_matrixclientv3roomsroomidleave) or otherwise setting membership to `leave`.',
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.knock-to-leave.self-over-federation',
    area: 'transition',
    level: 'SHOULD',
    since: '1.1',
    title: 'A knock on a remote room is retracted over federation with make_leave/send_leave',
    quote: 'Servers can retract knocks over federation by leaving the room, as described below for rejecting invites.',
    source: SS_KNOCKING,
  },
  {
    id: 'transitions.knock-to-leave.other',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'knock → leave by another user (kick level) denies the knock',
    quote: "To reject another user's knock, the user must have permission to either kick or ban users (whichever is being performed).",
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.knock-to-leave.other-insufficient-power',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'Denying a knock is refused to a user below the kick level',
    quote: "To reject another user's knock, the user must have permission to either kick or ban users (whichever is being performed).",
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.rejection-reaches-knocking-server',
    area: 'transition',
    level: 'SHOULD',
    since: '1.1',
    title: "The knocking server learns that its user's knock was denied (MSC2403 left this out of scope)",
    quote:
      'Acceptance of the knock happens out of band from this API, meaning that the client will have to watch for updates regarding the acceptance/rejection of the knock.',
    source: CS_KNOCK,
  },
  {
    id: 'transitions.knock-to-ban',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'knock → ban rejects the knock and prevents further knocks',
    quote: 'Users who are currently in the room, already invited, or banned cannot knock on the room.',
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.knock-to-join-refused',
    area: 'transition',
    level: 'MUST',
    since: '1.1',
    title: 'knock → join without an invite must never happen',
    quote: '| **from `knock`** | Knock accepted. | Must never happen.',
    source: { page: 'client-server-api', anchor: eventAnchor('m.room.member'), file: FILES.member },
  },
  {
    id: 'transitions.invite-accepts-knock',
    area: 'transition',
    level: 'SHOULD',
    since: '1.1',
    title: 'The knocking server treats an invite as acceptance of the knock, even if not linked to it',
    quote:
      'The knocking homeserver should assume that an invite to the room means that the knock was accepted, even if the invite is not explicitly related to the knock.',
    source: CS_KNOCKING,
  },
  {
    id: 'transitions.auto-accept-permitted',
    area: 'transition',
    level: 'SHOULD',
    since: '1.1',
    title: 'An invite after a knock is shown to the client, or accepted for it (both permitted)',
    quote:
      "Homeservers are permitted to automatically accept invites as a result of knocks as they should be aware of the user's intent to join the room.",
    source: CS_KNOCKING,
  },

  // client endpoint
  {
    id: 'client.knock',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    title: 'POST /knock/{roomIdOrAlias} answers 200 with the knocked `room_id`',
    quote: 'The knocked room ID must be returned in the `room_id` field.',
    source: CS_KNOCK,
  },
  {
    id: 'client.knock-alias',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    title: 'POST /knock/{roomIdOrAlias} with an alias knocks on the aliased room',
    quote: 'Note that this API takes either a room ID or alias, unlike other membership APIs.',
    source: CS_KNOCK,
  },
  {
    id: 'client.knock-server-name',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    until: '1.14',
    title: 'POST /knock takes `server_name`: the servers to knock through (removed in v1.14)',
    quote: 'name: server_name … The servers to attempt to knock on the room through. One of the servers must be participating in the room.',
    source: CS_KNOCK,
  },
  {
    id: 'client.knock-via',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.12',
    title: 'POST /knock takes `via`: the servers to knock through',
    quote: 'name: via … The servers to attempt to knock on the room through. One of the servers must be participating in the room.',
    source: CS_KNOCK,
    sharedQuote: true,
  },
  {
    id: 'client.knock-reason',
    area: 'client endpoint',
    level: 'SHOULD',
    since: '1.1',
    title: 'The `reason` of the knock request ends up in the knock event',
    quote: 'Optional reason to be included as the `reason` on the subsequent membership event.',
    source: CS_KNOCK,
  },
  {
    id: 'client.knock-forbidden',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    title: 'POST /knock answers 403 when the user may not knock (the errcode is only an example)',
    quote:
      'You do not have permission to knock on the room. A meaningful `errcode` and description error text will be returned. Example reasons for rejection are:',
    source: CS_KNOCK,
  },
  {
    id: 'client.knock-not-found',
    area: 'client endpoint',
    level: 'MUST',
    since: '1.1',
    title: 'POST /knock answers 404 when the room could not be found or resolved (the errcode is only an example)',
    quote: 'The room could not be found or resolved to a room ID.',
    source: CS_KNOCK,
  },

  // sync
  {
    id: 'sync.knock-section',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: '/sync lists a knocked room under `rooms.knock` with `knock_state.events`',
    quote: 'The rooms that the user has knocked upon, mapped as room ID to room information.',
    source: SYNC,
  },
  {
    id: 'sync.knock-state-stripped',
    wordedIn: '1.6',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: '`knock_state` holds stripped state events: only type, state_key, sender and content',
    quote: 'Stripped state events can only have the `sender`, `type`, `state_key` and `content` properties present.',
    source: STRIPPED_STATE,
  },
  {
    id: 'sync.knock-state-pruned',
    area: 'sync',
    level: 'MUST',
    since: '1.16',
    title: 'What came over federation as knock_room_state is pruned to stripped state before it reaches the client',
    quote:
      'Servers cannot pass through what they receive over federation to clients as stripped state. Servers are expected to prune the events into the stripped state schema below before passing the details onto clients.',
    source: STRIPPED_STATE,
  },
  {
    id: 'sync.knock-state-create',
    area: 'sync',
    level: 'MUST',
    since: '1.16',
    title: "`knock_state` on /sync contains the room's m.room.create event",
    quote: 'The `m.room.create` event is now **required** in the following places:',
    source: STRIPPED_STATE,
  },
  {
    id: 'sync.knock-state-identifying',
    wordedIn: '1.6',
    area: 'sync',
    level: 'SHOULD',
    since: '1.1',
    title: '`knock_state` carries the state that identifies the room (create, name, avatar, topic, join rules, alias, encryption)',
    quote:
      'Stripped state should contain some or all of the following state events, which should be represented as stripped state events when possible:',
    source: STRIPPED_STATE,
  },
  {
    id: 'sync.knock-rejected-to-leave',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: 'A denied or retracted knock moves the room from `rooms.knock` to `rooms.leave`',
    quote: 'The rooms that the user has left or been banned from, mapped as room ID to room information.',
    source: SYNC,
  },
  {
    id: 'sync.knock-accepted-to-invite',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: 'An accepted knock shows the room under `rooms.invite` (or `rooms.join` when the server auto-accepts)',
    quote: 'The rooms that the user has been invited to, mapped as room ID to room information.',
    source: SYNC,
  },
  {
    id: 'sync.room-members-see-knock',
    area: 'sync',
    level: 'MUST',
    since: '1.1',
    title: 'Members of the room see the knock member event in their timeline',
    quote: 'The timeline of messages and state changes in the room.',
    source: SYNC,
  },

  // directory
  {
    id: 'directory.knock-rooms-listed',
    area: 'directory',
    level: 'SHOULD',
    since: '1.1',
    until: '1.15',
    title: 'Published rooms with join rule `knock` appear in /publicRooms ("given their near-public nature")',
    quote:
      'Note that rooms with `invite` join rules are not expected here, but rooms with `knock` rules are given their near-public nature.',
    source: { page: 'client-server-api', anchor: endpointAnchor('GET', '/_matrix/client/v3/publicRooms'), file: FILES.roomsResponse },
  },
  {
    id: 'directory.knock-rooms-may-be-filtered',
    area: 'directory',
    level: 'SHOULD',
    since: '1.15',
    title: 'Published knock rooms "could reasonably be published"; servers MAY filter the listing',
    quote:
      'Rooms with a join rule of `knock`, for instance, could reasonably be published in the directory, too. … servers MAY apply additional filters when listing the directory',
    source: { page: 'client-server-api', anchor: headingAnchor('Published Room Directory'), file: FILES.csApi },
  },
  {
    id: 'directory.join-rule',
    wordedIn: '1.2',
    area: 'directory',
    level: 'MUST',
    since: '1.1',
    title: 'A listed knock or knock_restricted room carries its `join_rule` (absent means public)',
    quote: "The room's join rule. When not present, the room is assumed to be `public`.",
    source: PUBLIC_ROOMS,
  },

  // make_knock
  {
    id: 'make_knock.template',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: 'make_knock answers 200 with `room_version` and a knock event template',
    quote: 'A template to be used for the rest of the [Knocking Rooms](/server-server-api/#knocking-rooms) handshake.',
    source: MAKE_KNOCK,
  },
  {
    id: 'make_knock.incompatible-version',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: "make_knock answers 400 when `ver` lacks the room's version (M_INCOMPATIBLE_ROOM_VERSION then carries `room_version`)",
    quote:
      'The request is invalid or the room the server is attempting to knock upon has a version that is not listed in the `ver` parameters. … The version of the room. Required if the `errcode` is `M_INCOMPATIBLE_ROOM_VERSION`.',
    source: MAKE_KNOCK,
  },
  {
    id: 'make_knock.unknown-room',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: 'make_knock answers 404 for a room the server does not know',
    quote: 'The room that the knocking server is attempting to knock upon is unknown to the receiving server.',
    source: MAKE_KNOCK,
    sharedQuote: true,
  },
  {
    id: 'make_knock.forbidden',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: 'make_knock answers 403 when the user or server may not knock',
    quote:
      'The knocking server or user is not permitted to knock on the room, such as when the server/user is banned or the room is not set up for receiving knocks.',
    source: MAKE_KNOCK,
    sharedQuote: true,
  },
  {
    id: 'make_knock.user-on-origin',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    writtenIn: '1.18',
    title: 'make_knock refuses a user who is not on the requesting server',
    quote: 'The user ID the knock event will be for. This MUST be a user ID on the origin server.',
    source: MAKE_KNOCK,
  },
  {
    id: 'make_knock.requires-auth',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    title: 'make_knock requires a valid X-Matrix signature',
    quote: 'Every HTTP request made by a homeserver is authenticated using public key digital signatures.',
    source: SS_REQUEST_AUTH,
    sharedQuote: true,
  },
  {
    id: 'make_knock.template-checked',
    area: 'make_knock',
    level: 'MUST',
    since: '1.1',
    writtenIn: '1.18',
    title: 'The knocking server checks the template (room_id, sender, state_key, type, membership) before signing it',
    quote:
      'Before signing the returned template and calling `/send_knock`, the sending server MUST verify that: … In case any of the above checks fail, the response MUST be treated as malformed and discarded. The caller MAY try to knock through another server.',
    source: MAKE_KNOCK,
  },
  {
    id: 'make_knock.error-passed-to-client',
    area: 'make_knock',
    level: 'SHOULD',
    since: '1.1',
    title: 'A make_knock 400 is passed through to the client',
    quote: 'The error should be passed through to clients so that they may give better feedback to users.',
    source: MAKE_KNOCK,
  },

  // send_knock
  {
    id: 'send_knock.accepted',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'send_knock answers 200 with `knock_room_state`',
    quote: 'Information about the room to pass along to clients regarding the knock.',
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.knock-room-state.stripped',
    wordedIn: '1.5',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    until: '1.16',
    title: '`knock_room_state` is a list of stripped state events (type, state_key, sender, content)',
    quote: 'A list of [stripped state events](/client-server-api/#stripped-state) to help the initiator of the knock identify the room.',
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.knock-room-state.pdus',
    area: 'send_knock',
    level: 'MUST',
    since: '1.16',
    title: '`knock_room_state` contains the m.room.create event, every entry formatted as a PDU of the room version',
    quote:
      'MUST contain the `m.room.create` event for the room. All events listed MUST additionally be formatted according to the room version specification.',
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.knock-room-state.identifying',
    wordedIn: '1.6',
    area: 'send_knock',
    level: 'SHOULD',
    since: '1.1',
    title: '`knock_room_state` identifies the room (create, join rules, name, topic, avatar, alias, encryption) and no more',
    quote:
      'Stripped state should contain some or all of the following state events, which should be represented as stripped state events when possible:',
    source: STRIPPED_STATE,
  },
  {
    id: 'send_knock.persisted',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'A knock accepted through send_knock becomes room state the room members see',
    quote: "Submits a signed knock event to the resident server for it to accept into the room's graph.",
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.validation',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    writtenIn: '1.18',
    title:
      'send_knock refuses an event that fails the signature check, is not a member event with membership knock, has a sender not on the origin, or a state_key other than its sender',
    quote:
      'The receiving server MUST apply certain validation before accepting the event. A specific error code is not mandated, but servers SHOULD return `M_INVALID_PARAM` if:',
    source: SEND_KNOCK,
  },
  {
    id: 'send_knock.forbidden',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'send_knock answers 403 when the knock fails the auth rules',
    quote:
      'The knocking server or user is not permitted to knock on the room, such as when the server/user is banned or the room is not set up for receiving knocks.',
    source: SEND_KNOCK,
    sharedQuote: true,
  },
  {
    id: 'send_knock.unknown-room',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'send_knock answers 404 for a room the server does not know',
    quote: 'The room that the knocking server is attempting to knock upon is unknown to the receiving server.',
    source: SEND_KNOCK,
    sharedQuote: true,
  },
  {
    id: 'send_knock.requires-auth',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'send_knock requires a valid X-Matrix signature',
    quote: 'Every HTTP request made by a homeserver is authenticated using public key digital signatures.',
    source: SS_REQUEST_AUTH,
    sharedQuote: true,
  },
  {
    id: 'send_knock.outbound',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'Knocking on a remote room goes make_knock → send_knock to a resident server',
    quote:
      'much like [joining rooms](/server-server-api/#joining-rooms) the server must handshake their way into having the knock sent on its behalf.',
    source: SS_KNOCKING,
  },

  // federation basics
  {
    id: 'federation.joins',
    area: 'federation basics',
    level: 'MUST',
    since: '1.1',
    title: 'Joins over federation work both ways (make_join/send_join v2), with events sent through /send',
    quote:
      'Instead, it must take a longer multi-stage handshaking process by which it first selects a remote homeserver which is already participating in that room, and use it to assist in the joining process.',
    source: { page: 'server-server-api', anchor: headingAnchor('Joining Rooms'), file: FILES.ssApi },
  },
  {
    id: 'federation.knock',
    area: 'federation basics',
    level: 'MUST',
    since: '1.1',
    title: 'A knock over federation (make_knock/send_knock) completes',
    quote:
      'much like [joining rooms](/server-server-api/#joining-rooms) the server must handshake their way into having the knock sent on its behalf.',
    source: SS_KNOCKING,
  },
  {
    id: 'federation.invite',
    area: 'federation basics',
    level: 'MUST',
    since: '1.1',
    title: 'Invites over federation (invite v2) are countersigned by the invited server',
    quote:
      'However, when a user invites another user on a different homeserver, a request to that homeserver to have the event signed and verified must be made.',
    source: { page: 'server-server-api', anchor: headingAnchor('Inviting to a room'), file: FILES.ssApi },
  },
  {
    id: 'federation.request-auth',
    area: 'federation basics',
    level: 'MUST',
    since: '1.1',
    title: 'Federation requests without a valid X-Matrix signature are refused (401 M_UNAUTHORIZED is not fixed by the spec)',
    quote: 'Every HTTP request made by a homeserver is authenticated using public key digital signatures.',
    source: SS_REQUEST_AUTH,
    sharedQuote: true,
  },
  {
    id: 'federation.acl',
    area: 'federation basics',
    level: 'MUST',
    since: '1.1',
    title: "A server denied by the room's server ACL gets 403 M_FORBIDDEN from make_knock and send_knock",
    quote:
      'If the server is denied access to a room, the receiving server MUST reply with a 403 HTTP status code and an `errcode` of `M_FORBIDDEN`.',
    source: { page: 'server-server-api', anchor: headingAnchor('Server Access Control Lists (ACLs)'), file: FILES.ssApi },
  },
  {
    id: 'federation.invite-room-state',
    area: 'federation basics',
    level: 'MUST',
    since: '1.16',
    title: '`invite_room_state` of an invite contains m.room.create, every entry formatted as a PDU of the room version',
    quote: "`invite_room_state` MUST now have its entries formatted according to the room's version",
    source: { page: 'server-server-api', anchor: headingAnchor('Inviting to a room'), file: FILES.ssApi },
  },

  // room versions
  {
    id: 'room-versions.knock-refused-before-v7',
    area: 'room versions',
    level: 'MUST',
    since: '1.1',
    title: 'Rooms of versions 1–6 refuse knocks (no `knock` membership in their auth rules)',
    quote: 'Otherwise, the membership is unknown. Reject.',
    source: { page: 'rooms/v1', anchor: headingAnchor('Authorisation rules'), file: FILES.v1Auth },
    sharedQuote: true,
    appliesTo: PRE_KNOCK_VERSIONS,
  },

  // knock_restricted
  {
    id: 'knock-restricted.knock',
    area: 'knock_restricted',
    level: 'MUST',
    since: '1.3',
    title: 'Join rule `knock_restricted` allows knocking (room version 10+)',
    quote: 'If the `join_rule` is anything other than `knock` or `knock_restricted`, reject.',
    source: V10_AUTH,
    appliesTo: KNOCK_RESTRICTED_VERSIONS,
  },
  {
    id: 'knock-restricted.restricted-join',
    area: 'knock_restricted',
    level: 'MUST',
    since: '1.3',
    title: 'Join rule `knock_restricted` allows joins that satisfy `allow` conditions, and only those (or an invite)',
    quote:
      'If the `join_rule` is `restricted` or `knock_restricted`: … If the `join_authorised_via_users_server` key in `content` is not a user with sufficient permission to invite other users',
    source: V10_AUTH,
    appliesTo: KNOCK_RESTRICTED_VERSIONS,
  },
  {
    id: 'knock-restricted.refused-before-v10',
    area: 'knock_restricted',
    level: 'MUST',
    since: '1.1',
    title: 'Rooms of versions 7–9 refuse knocks under join rule `knock_restricted`',
    quote: 'If the `join_rule` is anything other than `knock`, reject.',
    source: V7_AUTH,
    sharedQuote: true,
    appliesTo: PRE_KNOCK_RESTRICTED_VERSIONS,
  },
] as const satisfies readonly ClauseInput[];

const CLAUSES = [
  ...CORE_CLAUSES,
  ...INBOUND_CLAUSES,
  ...AUTH_CLAUSES,
  ...OUTBOUND_CLAUSES,
  ...CLIENT_CLAUSES,
  ...VIEW_CLAUSES,
  ...SEND_PATH_CLAUSES,
] as const;

export type ClauseId = (typeof CLAUSES)[number]['id'];
/** The ids of MUST-level clauses: the only ones a `must.*` check may cite. */
export type MustClauseId = Extract<(typeof CLAUSES)[number], { level: 'MUST' }>['id'];

export const SPEC_CLAUSES: readonly SpecClause[] = CLAUSES.map((c: ClauseInput) => ({ ...c, link: linkOf(c) }));

const byId = new Map(SPEC_CLAUSES.map((c) => [c.id, c]));

export function findSpecClause(id: string): SpecClause | undefined {
  return byId.get(id);
}

/** Whether the clause is part of the spec at `version` (the judged version of a run). */
export function clauseClaimedAt(clause: SpecClause, version: string): boolean {
  return inVersionRange(version, clause);
}

/** The clause's range as a reader sees it: "v1.16+", "v1.1–v1.13", "v1.1+ (written down in v1.18)". */
export function describeClauseRange(clause: SpecClause): string {
  const range = clause.until ? `v${clause.since}–v${previousSpecVersion(clause.until)}` : `v${clause.since}+`;
  return clause.writtenIn ? `${range} (written down in v${clause.writtenIn})` : range;
}
