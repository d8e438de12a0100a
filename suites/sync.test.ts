/**
 * /sync and knocking on rooms the HSUT hosts: what the knocking user sees (rooms.knock with knock_state, and the
 * moves to invite / join / leave), and what the room's members see (the knock member event in their timeline,
 * for a local knocker and for a fake server's user knocking over federation).
 *
 * Spec: GET /_matrix/client/v3/sync (rooms.knock → Knocked Room → knock_state.events, "The stripped state events
 * that form the knock state"), "Stripped state" (client-server API), and the knocking section (knocks are approved
 * with /invite, denied with /kick or /ban, retracted with /leave). Levels, by the spec's words:
 *   MUST   every knock_state entry is a stripped state event: "Stripped state events can only have the `sender`,
 *          `type`, `state_key` and `content` properties present" (all four present, nothing else);
 *   MUST   m.room.create in knock_state from v1.16 ("The `m.room.create` event is now **required** in …
 *          `knock_state`"); before v1.16 it is one of the events stripped state "should contain some or all of";
 *   SHOULD name, topic, avatar, canonical alias, join rules and encryption ("should contain some or all of");
 *          an entry that is present MUST carry the content of the room's state event it strips;
 *   SHOULD the user's own knock member event (only the /sync example shows it), and no other member's event or
 *          power levels ("a limited set of state events", but "The server might include events not described here");
 *   MUST   after an accepted knock the room is under rooms.invite, or under rooms.join: "Homeservers are permitted
 *          to automatically accept invites as a result of knocks".
 */
import type { CSClient, ClientEvent, SyncBody } from '../harness/clients/cs-client';
import { knockOn } from '../harness/fake-server';
import { match, must, should, spec } from '../harness/match';
import { isClaimed } from '../harness/match/rule';
import {
  KNOCK_RESTRICTED_VERSIONS,
  KNOCK_VERSIONS,
  createHsutRoom,
  mustSyncUntil,
  newKnockRoom,
  useFederationEnvironment,
  waitForMembership,
} from '../harness/testkit';

const { jsonKeyEqual } = match;

const RULE_KNOCK_SECTION =
  'A knocked room is listed under `rooms.knock` of /sync with `knock_state.events` (GET /sync, Knocked Room; knockRoom: "The knock will appear as an entry in the response of the /sync API")';
const RULE_ONLY_KNOCK =
  'A room the user knocks on (and is not invited to or joined) is listed under rooms.knock only, not under rooms.join / rooms.invite / rooms.leave (GET /sync)';
const RULE_STRIPPED =
  'knock_state.events are stripped state events: "Stripped state events can only have the `sender`, `type`, `state_key` and `content` properties present" (Stripped state)';
const RULE_CREATE =
  'knock_state contains the room\'s m.room.create (Stripped state, changed in v1.16: "The `m.room.create` event is now required in … knock_state")';
const RULE_CREATE_SHOULD = 'knock_state carries the room\'s m.room.create (Stripped state "should contain some or all of" create, …)';
const RULE_JOIN_RULES =
  'knock_state carries the room\'s m.room.join_rules, which tells the client why it may knock (Stripped state "should contain some or all of")';
const RULE_AESTHETIC =
  'knock_state carries the room\'s name, avatar, topic, canonical alias and encryption state when set (Stripped state: "should contain some or all of")';
const RULE_STATE_CONTENT =
  "A knock_state entry is the room's current state event, stripped: its sender and content are that event's (Stripped state)";
const RULE_OWN_EVENT =
  "knock_state includes the user's own knock member event (membership knock, with its reason) (GET /sync Knocked Room example)";
const RULE_NO_MEMBERS =
  'knock_state does not disclose the member list (Stripped state is "a limited set of state events"; the server "might include events not described here", so this is not a MUST)';
const RULE_NO_POWER_LEVELS =
  'knock_state holds only the stripped state that identifies the room, not m.room.power_levels (Stripped state list; extra events are permitted)';
const RULE_TO_INVITE =
  'An accepted knock (invite) moves the room from rooms.knock to rooms.invite in /sync, or to rooms.join when the server accepts the invite for the user ("Homeservers are permitted to automatically accept invites as a result of knocks")';
const RULE_INVITE_STATE = "The invited room's invite_state holds the invite member event (membership invite, sent by the inviter)";
const RULE_TO_JOIN = 'After the knocker accepts the invite and joins, /sync lists the room under rooms.join, not rooms.knock';
const RULE_TO_LEAVE_KICK = 'A denied knock (kick) moves the room from rooms.knock to rooms.leave in /sync';
const RULE_TO_LEAVE_RESCIND = 'A retracted knock (the knocker leaves) moves the room from rooms.knock to rooms.leave in /sync';
const RULE_MEMBERS_SEE =
  "The room's members see the knock member event (membership knock, sent by the knocker) in the room timeline of /sync";
const RULE_MEMBERS_SEE_REASON = "The knock member event the members see carries the knock's reason";

const STRIPPED_KEYS = ['content', 'sender', 'state_key', 'type'];

/** The suite's knock rooms are named `sync knock v<version>` unless a test names its own. */
const ROOM = { label: 'sync knock' } as const;

function knockStateEvents(body: SyncBody, roomId: string): ClientEvent[] | undefined {
  return body.rooms?.knock?.[roomId]?.knock_state?.events;
}

function sections(body: SyncBody, roomId: string): string[] {
  const rooms = body.rooms ?? {};
  return (['join', 'invite', 'knock', 'leave'] as const).filter((name) => rooms[name]?.[roomId] !== undefined);
}

function timelineEvents(body: SyncBody, roomId: string, section: 'join' | 'leave' = 'join'): ClientEvent[] {
  return body.rooms?.[section]?.[roomId]?.timeline?.events ?? [];
}

/** Every knock_state entry is a stripped state event: the four keys present and no other (MUST, all versions). */
function mustBeStripped(events: ClientEvent[]): void {
  for (const event of events) {
    const rule = spec('sync.knock-state-stripped', `${RULE_STRIPPED} (${event.type} ${JSON.stringify(event.state_key)})`);
    must.matchJson(
      event,
      STRIPPED_KEYS.map((key) => match.jsonKeyPresent(key)),
      rule,
    );
    must.equal(
      Object.keys(event).filter((key) => !STRIPPED_KEYS.includes(key)),
      [],
      rule,
    );
  }
}

/** m.room.create in knock_state: MUST from v1.16 (sync.knock-state-create), one of the "should contain" events before. */
function mustHaveCreate(events: ClientEvent[], creator: string | undefined): void {
  const create = events.find((e) => e.type === 'm.room.create' && e.state_key === '');
  const detail = `got types ${JSON.stringify(events.map((e) => e.type))}`;
  const required = spec('sync.knock-state-create', RULE_CREATE);
  if (isClaimed(required)) must.ok(create, required, detail);
  else if (!should.ok(create, spec('sync.knock-state-identifying', RULE_CREATE_SHOULD), detail)) return;
  must.matchJson(create, [jsonKeyEqual('sender', creator)], spec('sync.knock-state-stripped', `${RULE_STATE_CONTENT} (m.room.create)`));
}

/** An identifying event SHOULD be present (a warning otherwise); one that is present MUST carry the room's real content. */
function mustMatchIdentifying(events: ClientEvent[], type: string, key: string, value: unknown, rule: string): void {
  const event = events.find((e) => e.type === type && e.state_key === '');
  if (
    !should.ok(
      event !== undefined,
      spec('sync.knock-state-identifying', `${rule}: ${type}`),
      `got types ${JSON.stringify(events.map((e) => e.type))}`,
    )
  )
    return;
  must.matchJson(event, [jsonKeyEqual(key, value)], spec('sync.knock-state-stripped', `${RULE_STATE_CONTENT} (${type})`));
}

/** A since token for `client` that is past everything it has seen so far (one initial sync). */
async function currentSince(client: CSClient): Promise<string> {
  return (await client.sync()).next_batch;
}

describe('/sync: knocks on rooms of the HSUT as the knocker and the room members see them', function () {
  const env = useFederationEnvironment();

  /**
   * A knock room and a knocker whose knock is in place, plus the knocker's since token from after the knock (the
   * knocker syncs incrementally through the knock, as a running client does).
   */
  async function knockedRoom(version: string) {
    const { owner, roomId } = await newKnockRoom(env, version, ROOM);
    const knocker = await env.newUser();
    const before = await currentSince(knocker);
    await knocker.knock(roomId, { reason: 'knock knock' });
    const { since } = await mustSyncUntil(
      knocker,
      (b) => knockStateEvents(b, roomId) !== undefined,
      { since: before },
      spec('sync.knock-section', `${RULE_KNOCK_SECTION} — incremental sync`),
    );
    return { owner, roomId, knocker, since };
  }

  /** The knocker's incremental /sync after the invite: the room under rooms.invite, or rooms.join if the server accepted for the user. */
  async function syncAfterInvite(knocker: CSClient, roomId: string, since: string) {
    const result = await mustSyncUntil(
      knocker,
      (b) => b.rooms?.invite?.[roomId] !== undefined || b.rooms?.join?.[roomId] !== undefined,
      { since },
      spec('sync.knock-accepted-to-invite', RULE_TO_INVITE),
    );
    const where = sections(result.body, roomId);
    must.ok(
      where.length === 1 && (where[0] === 'invite' || where[0] === 'join'),
      spec('sync.knock-accepted-to-invite', RULE_TO_INVITE),
      `sections ${JSON.stringify(where)}`,
    );
    return { ...result, autoAccepted: where[0] === 'join' };
  }

  for (const version of KNOCK_VERSIONS) {
    it(`An initial /sync of the knocking user lists the room under rooms.knock and in no other section [spec:sync.knock-section] [v${version}]`, async () => {
      const { roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      await knocker.knock(roomId);
      // No since: every attempt is an initial sync.
      const { body } = await mustSyncUntil(
        knocker,
        (b) => knockStateEvents(b, roomId) !== undefined,
        {},
        spec('sync.knock-section', `${RULE_KNOCK_SECTION} — initial sync`),
      );
      must.equal(sections(body, roomId), ['knock'], spec('sync.knock-section', RULE_ONLY_KNOCK));
      must.ok(
        Array.isArray(knockStateEvents(body, roomId)),
        spec('sync.knock-section', RULE_KNOCK_SECTION),
        'knock_state.events is not an array',
      );
    });

    it(`An incremental /sync from before the knock lists the room under rooms.knock and in no other section [spec:sync.knock-section] [v${version}]`, async () => {
      const { roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      const since = await currentSince(knocker);
      await knocker.knock(roomId);
      const { body } = await mustSyncUntil(
        knocker,
        (b) => knockStateEvents(b, roomId) !== undefined,
        { since },
        spec('sync.knock-section', `${RULE_KNOCK_SECTION} — incremental sync`),
      );
      must.equal(sections(body, roomId), ['knock'], spec('sync.knock-section', RULE_ONLY_KNOCK));
      must.ok(
        Array.isArray(knockStateEvents(body, roomId)),
        spec('sync.knock-section', RULE_KNOCK_SECTION),
        'knock_state.events is not an array',
      );
    });

    it(`knock_state holds the room's create, join_rules, name, topic, avatar, canonical alias and encryption as stripped state events [spec:sync.knock-state-stripped] [v${version}]`, async () => {
      const aliasLocalpart = `kk-sync-${version}-${process.pid}-${Date.now().toString(36)}`;
      const alias = `#${aliasLocalpart}:${env.hs.serverName}`;
      const avatarUrl = `mxc://${env.hs.serverName}/knockavatar${version}`;
      const { owner, roomId } = await newKnockRoom(env, version, {
        name: `stripped v${version}`,
        topic: `topic v${version}`,
        avatarUrl,
        aliasLocalpart,
        encrypted: true,
      });
      const knocker = await env.newUser();
      await knocker.knock(roomId);
      const { body } = await mustSyncUntil(
        knocker,
        (b) => knockStateEvents(b, roomId) !== undefined,
        {},
        spec('sync.knock-section', RULE_KNOCK_SECTION),
      );
      const events = knockStateEvents(body, roomId)!;
      must.ok(Array.isArray(events), spec('sync.knock-section', RULE_KNOCK_SECTION), 'knock_state.events is not an array');
      mustHaveCreate(events, owner.userId);
      // "some or all of": each identifying event is a SHOULD; one that is present must carry the room's real content.
      mustMatchIdentifying(events, 'm.room.join_rules', 'content.join_rule', 'knock', RULE_JOIN_RULES);
      const identifying: Array<[string, string, string]> = [
        ['m.room.name', 'content.name', `stripped v${version}`],
        ['m.room.topic', 'content.topic', `topic v${version}`],
        ['m.room.avatar', 'content.url', avatarUrl],
        ['m.room.canonical_alias', 'content.alias', alias],
        ['m.room.encryption', 'content.algorithm', 'm.megolm.v1.aes-sha2'],
      ];
      for (const [type, key, value] of identifying) mustMatchIdentifying(events, type, key, value, RULE_AESTHETIC);
      // Last: a server that strips imperfectly (an expected failure) still has its content checked above.
      mustBeStripped(events);
    });

    it(`knock_state includes the user's own knock member event with membership knock and the reason [spec:sync.knock-state-stripped] [spec:client.knock-reason] [v${version}]`, async () => {
      const { roomId } = await newKnockRoom(env, version, ROOM);
      const knocker = await env.newUser();
      const reason = `own event v${version}`;
      await knocker.knock(roomId, { reason });
      const { body } = await mustSyncUntil(
        knocker,
        (b) => knockStateEvents(b, roomId) !== undefined,
        {},
        spec('sync.knock-section', RULE_KNOCK_SECTION),
      );
      const events = knockStateEvents(body, roomId)!;
      const own = events.filter((e) => e.type === 'm.room.member' && e.state_key === knocker.userId);
      if (
        should.ok(
          own.length > 0,
          spec('sync.knock-state-own-member', RULE_OWN_EVENT),
          `no m.room.member event for ${knocker.userId} in knock_state: ${JSON.stringify(events)}`,
        )
      ) {
        // Present, it is the user's current member event, stripped: the knock.
        must.matchJson(
          own[own.length - 1],
          [jsonKeyEqual('sender', knocker.userId), jsonKeyEqual('content.membership', 'knock')],
          spec('sync.knock-state-stripped', `${RULE_STATE_CONTENT} (own m.room.member)`),
        );
        should.matchJson(
          own[own.length - 1],
          [jsonKeyEqual('content.reason', reason)],
          spec('client.knock-reason', `${RULE_OWN_EVENT}: the reason`),
        );
      }
      mustBeStripped(events);
    });

    it(`knock_state discloses no other member's event and no power levels [spec:sync.knock-state-stripped] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, { ...ROOM, joinRule: 'public' });
      const member = await env.newUser();
      await member.join(roomId);
      await owner.sendState(roomId, 'm.room.join_rules', '', { join_rule: 'knock' });
      await waitForMembership(owner, roomId, member.userId, 'join');
      const knocker = await env.newUser();
      await knocker.knock(roomId);
      const { body } = await mustSyncUntil(
        knocker,
        (b) => knockStateEvents(b, roomId) !== undefined,
        {},
        spec('sync.knock-section', RULE_KNOCK_SECTION),
      );
      const events = knockStateEvents(body, roomId)!;
      const others = events.filter((e) => e.type === 'm.room.member' && e.state_key !== knocker.userId);
      should.equal(
        others.map((e) => `${e.state_key} ${e.content?.membership}`),
        [],
        spec('sync.knock-state-limited', RULE_NO_MEMBERS),
      );
      should.equal(
        events.filter((e) => e.type === 'm.room.power_levels').length,
        0,
        spec('sync.knock-state-limited', RULE_NO_POWER_LEVELS),
      );
      mustBeStripped(events);
    });

    it(`When the owner accepts the knock with an invite, the knocker's incremental /sync moves the room from rooms.knock to rooms.invite [spec:sync.knock-accepted-to-invite] [spec:transitions.knock-to-invite] [v${version}]`, async () => {
      const { owner, roomId, knocker, since } = await knockedRoom(version);
      await owner.invite(roomId, knocker.userId);
      const { body, autoAccepted } = await syncAfterInvite(knocker, roomId, since);
      // "Homeservers are permitted to automatically accept invites as a result of knocks": rooms.join passes as it is.
      if (autoAccepted) return;
      const invite = (body.rooms!.invite![roomId]!.invite_state?.events ?? []).find(
        (e) => e.type === 'm.room.member' && e.state_key === knocker.userId,
      );
      must.matchJson(
        invite,
        [jsonKeyEqual('content.membership', 'invite'), jsonKeyEqual('sender', owner.userId)],
        spec('sync.knock-accepted-to-invite', RULE_INVITE_STATE),
      );
    });

    it(`When the knocker joins after the invite, the incremental /sync lists the room under rooms.join, not rooms.knock [spec:sync.knock-accepted-to-invite] [v${version}]`, async () => {
      const { owner, roomId, knocker, since } = await knockedRoom(version);
      await owner.invite(roomId, knocker.userId);
      const invited = await syncAfterInvite(knocker, roomId, since);
      let body = invited.body;
      if (!invited.autoAccepted) {
        await knocker.join(roomId);
        ({ body } = await mustSyncUntil(
          knocker,
          (b) => b.rooms?.join?.[roomId] !== undefined,
          { since: invited.since },
          spec('sync.knock-accepted-to-invite', RULE_TO_JOIN),
        ));
      }
      must.equal(sections(body, roomId), ['join'], spec('sync.knock-accepted-to-invite', RULE_TO_JOIN));
    });

    it(`When the owner denies the knock with a kick, the knocker's incremental /sync moves the room from rooms.knock to rooms.leave [spec:sync.knock-rejected-to-leave] [spec:transitions.knock-to-leave.other] [v${version}]`, async () => {
      const { owner, roomId, knocker, since } = await knockedRoom(version);
      await owner.kick(roomId, knocker.userId, 'not today');
      const { body } = await mustSyncUntil(
        knocker,
        (b) => b.rooms?.leave?.[roomId] !== undefined,
        { since },
        spec('sync.knock-rejected-to-leave', RULE_TO_LEAVE_KICK),
      );
      must.equal(sections(body, roomId), ['leave'], spec('sync.knock-rejected-to-leave', RULE_TO_LEAVE_KICK));
      const leave = timelineEvents(body, roomId, 'leave').find((e) => e.type === 'm.room.member' && e.state_key === knocker.userId);
      should.matchJson(
        leave,
        [jsonKeyEqual('content.membership', 'leave'), jsonKeyEqual('sender', owner.userId)],
        spec('sync.knock-rejected-to-leave', `${RULE_TO_LEAVE_KICK} (the kick is in the left room's timeline)`),
      );
    });

    it(`When the knocker retracts the knock with /leave, the incremental /sync moves the room from rooms.knock to rooms.leave [spec:sync.knock-rejected-to-leave] [spec:transitions.knock-to-leave.self] [v${version}]`, async () => {
      const { roomId, knocker, since } = await knockedRoom(version);
      await knocker.leave(roomId);
      const { body } = await mustSyncUntil(
        knocker,
        (b) => b.rooms?.leave?.[roomId] !== undefined,
        { since },
        spec('sync.knock-rejected-to-leave', RULE_TO_LEAVE_RESCIND),
      );
      must.equal(sections(body, roomId), ['leave'], spec('sync.knock-rejected-to-leave', RULE_TO_LEAVE_RESCIND));
    });

    it(`The room owner sees a local user's knock member event, with its reason, in the room timeline of an incremental /sync [spec:sync.room-members-see-knock] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const since = await currentSince(owner);
      const knocker = await env.newUser();
      const reason = `local knock v${version}`;
      await knocker.knock(roomId, { reason });
      const isKnock = (e: ClientEvent) => e.type === 'm.room.member' && e.state_key === knocker.userId && e.content?.membership === 'knock';
      const { body } = await mustSyncUntil(
        owner,
        (b) => timelineEvents(b, roomId).some(isKnock),
        { since },
        spec('sync.room-members-see-knock', RULE_MEMBERS_SEE),
      );
      const event = timelineEvents(body, roomId).find(isKnock);
      must.matchJson(event, [jsonKeyEqual('sender', knocker.userId)], spec('sync.room-members-see-knock', RULE_MEMBERS_SEE));
      should.matchJson(event, [jsonKeyEqual('content.reason', reason)], spec('membership.knock-reason', RULE_MEMBERS_SEE_REASON));
    });

    it(`The room owner sees a fake server user's knock (make_knock/send_knock) with its reason in the room timeline of an incremental /sync [spec:sync.room-members-see-knock] [spec:send_knock.persisted] [v${version}]`, async () => {
      const { owner, roomId } = await newKnockRoom(env, version, ROOM);
      const since = await currentSince(owner);
      const remote = env.fake.userId(`sync-knocker-v${version}-${Date.now().toString(36)}`);
      const reason = `remote knock v${version}`;
      const handshake = await knockOn(env.fake, roomId, remote, { content: { reason } });
      must.matchResponse(
        handshake.make,
        { status: 200 },
        spec('make_knock.template', 'make_knock answers 200 with a knock template for a room whose join rule is knock'),
      );
      must.matchResponse(handshake.send!, { status: 200 }, spec('send_knock.accepted', 'send_knock answers 200 for a valid knock'));
      const isKnock = (e: ClientEvent) => e.type === 'm.room.member' && e.state_key === remote && e.content?.membership === 'knock';
      const { body } = await mustSyncUntil(
        owner,
        (b) => timelineEvents(b, roomId).some(isKnock),
        { since },
        spec('send_knock.persisted', RULE_MEMBERS_SEE),
      );
      const event = timelineEvents(body, roomId).find(isKnock);
      // The event the fake signed: its content, reason included, is the fake's and cannot be changed by the HSUT.
      must.matchJson(
        event,
        [jsonKeyEqual('sender', remote), jsonKeyEqual('content.reason', reason), jsonKeyEqual('event_id', handshake.eventId)],
        spec('send_knock.persisted', RULE_MEMBERS_SEE),
      );
    });
  }

  for (const version of KNOCK_RESTRICTED_VERSIONS) {
    it(`A knock on a knock_restricted room is listed under rooms.knock with join_rule knock_restricted in knock_state [spec:sync.knock-section] [spec:knock-restricted.knock] [v${version}]`, async () => {
      const owner = await env.roomOwner();
      const allowed = await createHsutRoom(owner, { roomVersion: version, joinRule: 'invite' });
      const roomId = await createHsutRoom(owner, {
        roomVersion: version,
        joinRule: 'knock_restricted',
        allowRooms: [allowed],
        name: `kr v${version}`,
      });
      const knocker = await env.newUser();
      await knocker.knock(roomId);
      const { body } = await mustSyncUntil(
        knocker,
        (b) => knockStateEvents(b, roomId) !== undefined,
        {},
        spec('knock-restricted.knock', RULE_KNOCK_SECTION),
      );
      must.equal(sections(body, roomId), ['knock'], spec('sync.knock-section', RULE_ONLY_KNOCK));
      const events = knockStateEvents(body, roomId)!;
      mustMatchIdentifying(events, 'm.room.join_rules', 'content.join_rule', 'knock_restricted', RULE_JOIN_RULES);
      mustBeStripped(events);
    });
  }
});
