/**
 * The room directory and knocking: published knock / knock_restricted rooms of the HSUT in publicRooms, over the
 * client API (GET, and POST with a search filter) and over federation (GET and POST /_matrix/federation/v1/publicRooms,
 * signed by the fake server).
 *
 * Levels, by the spec's words:
 *   MUST   a listed knock / knock_restricted room carries its `join_rule` (directory.join-rule): PublishedRoomsChunk
 *          says "The room's join rule. When not present, the room is assumed to be `public`." The field is optional
 *          only because absence has a defined meaning, so a knock room listed without it is misreported as public
 *          (clients would offer "join", and fail, instead of "knock").
 *   MUST   the entry's required fields (room_id, num_joined_members, world_readable, guest_can_join) and the room's
 *          name; GET/POST /publicRooms, client and federation, answer 200 with `chunk`.
 *   MUST   a room whose visibility is `private` (the createRoom default) is not listed: createRoom v1.1–v1.14 "A
 *          `private` visibility will hide the room from the published room list"; v1.15+ "Published room
 *          directory": "`private`: The room will be hidden from the published room directory."
 *   SHOULD a published knock room is listed at all. v1.1–v1.14: PublishedRoomsChunk.join_rule "Note that rooms with
 *          `invite` join rules are not expected here, but rooms with `knock` rules are given their near-public
 *          nature" (directory.knock-rooms-listed). v1.15+: "Rooms with a join rule of `knock`, for instance, could
 *          reasonably be published in the directory, too", and "servers MAY apply additional filters when listing
 *          the directory" (directory.knock-rooms-may-be-filtered). A missing room is a warning; the entry checks
 *          then have nothing to check. Likewise a `generic_search_term` match and a remote server's relayed list.
 * The HSUT's configuration allows publication (room_list_publication_rules: allow). The listing is polled with a
 * deadline: servers build the list from room statistics updated in the background and may cache it briefly.
 *
 * Over federation the server-server GET/POST /publicRooms answer with the same PublishedRoomsChunk entries; the
 * HSUT must be configured to serve its directory over federation (Synapse: allow_public_rooms_over_federation).
 */
import type { CSClient, PublicRoomsBody, PublicRoomsChunkEntry } from '../harness/clients/cs-client';
import { SpecAssertionError, match, must, should, spec, type ShouldRule } from '../harness/match';
import { isClaimed } from '../harness/match/rule';
import {
  KNOCK_RESTRICTED_VERSIONS,
  KNOCK_VERSIONS,
  WAIT_MS,
  ConditionTimeoutError,
  createHsutRoom,
  pollUntil,
  useFederationEnvironment,
  type FederationEnvironment,
} from '../harness/testkit';

const { jsonKeyEqual, jsonKeyTypeOf } = match;

const RULE_LISTED =
  'A published knock room is listed in the directory (v1.1–v1.14: knock rooms are expected there "given their near-public nature"; v1.15+: they "could reasonably be published", servers MAY filter)';
const RULE_JOIN_RULE =
  'A listed knock room carries `join_rule: "knock"` (PublishedRoomsChunk: "When not present, the room is assumed to be `public`", so omitting it misreports the room as public)';
const RULE_JOIN_RULE_KR =
  'A listed knock_restricted room carries `join_rule: "knock_restricted"` (PublishedRoomsChunk: an absent join_rule means public)';
const RULE_ENTRY =
  "A PublishedRoomsChunk entry has `room_id`, `num_joined_members` (the joined members: 1), `world_readable`, `guest_can_join` and the room's `name`";
const RULE_NOT_LISTED =
  'A room whose directory visibility is `private` (the createRoom default) "will be hidden from the published room directory"';
const RULE_CS_OK = 'GET/POST /_matrix/client/v3/publicRooms answers 200 with `chunk`, an array of PublishedRoomsChunk';
const RULE_FED_OK = 'GET/POST /_matrix/federation/v1/publicRooms answers 200 with `chunk` (server-server API, Public Room Directory)';

/** The SHOULD clause for "a published knock room is listed", as the judged spec version words it. */
function listedRule(where: string): ShouldRule {
  const old = spec('directory.knock-rooms-listed', `${RULE_LISTED} — ${where}`);
  return isClaimed(old) ? old : spec('directory.knock-rooms-may-be-filtered', `${RULE_LISTED} — ${where}`);
}

let uniq = 0;
function uniqueName(label: string): string {
  uniq += 1;
  return `kkdir ${label} ${process.pid.toString(36)}${Date.now().toString(36)}${uniq}`;
}

type Lister = () => Promise<PublicRoomsChunkEntry[]>;

/** All entries of the client directory (of `server`, or the HSUT's own), following next_batch (the list is shared with every other test). */
function clientDirectory(client: CSClient, filter?: Record<string, unknown>, server?: string): Lister {
  return async () => {
    const entries: PublicRoomsChunkEntry[] = [];
    let since: string | undefined;
    for (let page = 0; page < 50; page++) {
      const body: PublicRoomsBody = await client.publicRooms({ limit: 500, since, server, ...(filter ? { filter } : {}) });
      must.matchJson(body, [jsonKeyTypeOf('chunk', 'array')], spec('directory.list', RULE_CS_OK));
      entries.push(...body.chunk);
      if (!body.next_batch || body.chunk.length === 0) break;
      since = body.next_batch;
    }
    return entries;
  };
}

/** All entries of the HSUT's directory over federation, asked by the fake server (GET, or POST with a filter). */
function federationDirectory(env: FederationEnvironment, filter?: Record<string, unknown>): Lister {
  return async () => {
    const entries: PublicRoomsChunkEntry[] = [];
    let since: string | undefined;
    for (let page = 0; page < 50; page++) {
      const response = filter
        ? await env.fake.request({
            method: 'POST',
            path: '/_matrix/federation/v1/publicRooms',
            body: { limit: 500, filter, ...(since ? { since } : {}) },
          })
        : await env.fake.request({ method: 'GET', path: '/_matrix/federation/v1/publicRooms', query: { limit: '500', since } });
      must.matchResponse(
        response,
        { status: 200, body: [jsonKeyTypeOf('chunk', 'array')] },
        spec('directory.federation-list', RULE_FED_OK),
      );
      const body = response.body as PublicRoomsBody;
      entries.push(...body.chunk);
      if (!body.next_batch || body.chunk.length === 0) break;
      since = body.next_batch;
    }
    return entries;
  };
}

/**
 * Polls the directory until the room is listed. A room never listed is a SHOULD warning (servers may filter) and
 * gives undefined; a malformed or refused listing fails at once (MUST).
 */
async function waitForListing(
  list: Lister,
  roomId: string,
  where: string,
  rule: ShouldRule = listedRule(where),
): Promise<PublicRoomsChunkEntry | undefined> {
  let seen = 0;
  let refusal: SpecAssertionError | undefined;
  let entry: PublicRoomsChunkEntry | null;
  try {
    entry = await pollUntil<PublicRoomsChunkEntry | null>(
      async () => {
        try {
          const entries = await list();
          seen = entries.length;
          return entries.find((e) => e.room_id === roomId);
        } catch (error) {
          // A malformed or refused answer is a failure in itself, not something to wait out.
          if (!(error instanceof SpecAssertionError)) throw error;
          refusal = error;
          return null;
        }
      },
      { timeoutMs: WAIT_MS, description: `${roomId} in ${where}`, intervalMs: 200 },
      () => `the last listing had ${seen} entries, none for ${roomId}`,
    );
  } catch (error) {
    if (error instanceof ConditionTimeoutError) {
      should.ok(false, rule, `${where}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  if (refusal || entry === null) throw refusal;
  return entry;
}

/** The checks on a listed entry (MUST); nothing to check when the room was not listed (a SHOULD warning already). */
function checkEntry(
  entry: PublicRoomsChunkEntry | undefined,
  roomId: string,
  name: string,
  joinRule: 'knock' | 'knock_restricted',
  where: string,
): void {
  if (!entry) return;
  must.matchJson(
    entry,
    [jsonKeyEqual('join_rule', joinRule)],
    spec('directory.join-rule', `${joinRule === 'knock' ? RULE_JOIN_RULE : RULE_JOIN_RULE_KR} — ${where}`),
  );
  must.matchJson(
    entry,
    [
      jsonKeyEqual('room_id', roomId),
      jsonKeyEqual('name', name),
      jsonKeyEqual('num_joined_members', 1),
      jsonKeyTypeOf('world_readable', 'boolean'),
      jsonKeyTypeOf('guest_can_join', 'boolean'),
    ],
    spec('directory.chunk-fields', `${RULE_ENTRY} — ${where}`),
  );
}

describe('Room directory: published knock rooms of the HSUT in publicRooms (client API and federation)', function () {
  const env = useFederationEnvironment();

  for (const version of KNOCK_VERSIONS) {
    it(`A knock room published at creation is listed by GET /publicRooms with join_rule knock, its name and member count [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [v${version}]`, async () => {
      const owner = await env.roomOwner();
      const name = uniqueName(`get v${version}`);
      const roomId = await createHsutRoom(owner, { roomVersion: version, joinRule: 'knock', name, publish: true });
      const entry = await waitForListing(clientDirectory(owner), roomId, 'GET /_matrix/client/v3/publicRooms');
      checkEntry(entry, roomId, name, 'knock', 'GET /_matrix/client/v3/publicRooms');
    });

    it(`A knock room published later with PUT /directory/list/room is found by POST /publicRooms with a generic_search_term filter, with join_rule knock [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [v${version}]`, async () => {
      const owner = await env.roomOwner();
      const name = uniqueName(`search v${version}`);
      const roomId = await createHsutRoom(owner, { roomVersion: version, joinRule: 'knock', name });
      await owner.setDirectoryVisibility(roomId, 'public');
      const entry = await waitForListing(
        clientDirectory(owner, { generic_search_term: name }),
        roomId,
        'POST /_matrix/client/v3/publicRooms (generic_search_term)',
      );
      checkEntry(entry, roomId, name, 'knock', 'POST /_matrix/client/v3/publicRooms');
    });

    it(`A knock room that is not published is not listed by GET /publicRooms [spec:directory.private-hidden-room-list] [spec:directory.private-hidden] [v${version}]`, async () => {
      const owner = await env.roomOwner();
      const hidden = await createHsutRoom(owner, { roomVersion: version, joinRule: 'knock', name: uniqueName(`hidden v${version}`) });
      // A room published after the hidden one is made: once it is listed, the listing has caught up with the hidden one.
      // The marker is a public room, which no directory filter the spec allows for knock rooms would leave out.
      const marker = await createHsutRoom(owner, {
        roomVersion: version,
        joinRule: 'public',
        name: uniqueName(`marker v${version}`),
        publish: true,
      });
      const list = clientDirectory(owner);
      await waitForListing(list, marker, 'GET /_matrix/client/v3/publicRooms');
      const entries = await list();
      const rule = spec('directory.private-hidden', RULE_NOT_LISTED);
      must.equal(
        entries.filter((entry) => entry.room_id === hidden).map((entry) => entry.room_id),
        [],
        isClaimed(rule) ? rule : spec('directory.private-hidden-room-list', RULE_NOT_LISTED),
      );
    });

    it(`A published knock room is listed by the federation GET /publicRooms with join_rule knock [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [v${version}]`, async () => {
      const owner = await env.roomOwner();
      const name = uniqueName(`fed get v${version}`);
      const roomId = await createHsutRoom(owner, { roomVersion: version, joinRule: 'knock', name, publish: true });
      const entry = await waitForListing(federationDirectory(env), roomId, 'GET /_matrix/federation/v1/publicRooms');
      checkEntry(entry, roomId, name, 'knock', 'GET /_matrix/federation/v1/publicRooms');
    });

    it(`A published knock room is found by the federation POST /publicRooms with a generic_search_term filter, with join_rule knock [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [v${version}]`, async () => {
      const owner = await env.roomOwner();
      const name = uniqueName(`fed post v${version}`);
      const roomId = await createHsutRoom(owner, { roomVersion: version, joinRule: 'knock', name, publish: true });
      const entry = await waitForListing(
        federationDirectory(env, { generic_search_term: name }),
        roomId,
        'POST /_matrix/federation/v1/publicRooms (generic_search_term)',
      );
      checkEntry(entry, roomId, name, 'knock', 'POST /_matrix/federation/v1/publicRooms');
    });
  }

  for (const version of KNOCK_RESTRICTED_VERSIONS) {
    async function publishedKnockRestrictedRoom(label: string) {
      const owner = await env.roomOwner();
      const allowed = await createHsutRoom(owner, { roomVersion: version, joinRule: 'invite' });
      const name = uniqueName(`${label} v${version}`);
      const roomId = await createHsutRoom(owner, {
        roomVersion: version,
        joinRule: 'knock_restricted',
        allowRooms: [allowed],
        name,
        publish: true,
      });
      return { owner, name, roomId };
    }

    it(`A published knock_restricted room is listed by GET /publicRooms with join_rule knock_restricted [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [spec:knock-restricted.knock] [v${version}]`, async () => {
      const { owner, name, roomId } = await publishedKnockRestrictedRoom('kr');
      const entry = await waitForListing(clientDirectory(owner), roomId, 'GET /_matrix/client/v3/publicRooms');
      checkEntry(entry, roomId, name, 'knock_restricted', 'GET /_matrix/client/v3/publicRooms');
    });

    it(`A published knock_restricted room is listed by the federation GET /publicRooms with join_rule knock_restricted [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [spec:knock-restricted.knock] [v${version}]`, async () => {
      const { name, roomId } = await publishedKnockRestrictedRoom('fed kr');
      const entry = await waitForListing(federationDirectory(env), roomId, 'GET /_matrix/federation/v1/publicRooms');
      checkEntry(entry, roomId, name, 'knock_restricted', 'GET /_matrix/federation/v1/publicRooms');
    });
  }
});

/**
 * The other direction: an HSUT user browses the fake server's directory (publicRooms with `server`), so the HSUT asks
 * the fake's federation /publicRooms and hands the entries on (SHOULD: how it asks is not fixed, and v1.15+ lets
 * servers filter); an entry it does hand on MUST keep its join_rule. The fake's answer is built per test (its
 * rooms need not exist: the directory is the remote server's word), and a unique search term keeps every request
 * distinct, so no server-side cache of an earlier answer can stand in for this one.
 */
describe("Room directory: an HSUT user lists a remote server's knock rooms (publicRooms with server)", function () {
  const env = useFederationEnvironment();
  const RULE_RELAYED =
    "publicRooms with `server` returns that server's PublishedRoomsChunk entries; a relayed remote knock room keeps `join_rule` (absent means public)";
  const RULE_ASKED = 'The HSUT fetches a remote directory with a signed POST /_matrix/federation/v1/publicRooms carrying the search filter';

  it("POST /publicRooms with server=<fake> returns the fake's knock and knock_restricted rooms with their join_rule [spec:directory.knock-rooms-listed] [spec:directory.knock-rooms-may-be-filtered] [spec:directory.join-rule] [spec:knock-restricted.knock]", async () => {
    const user = await env.newUser();
    const term = uniqueName('remote').replace(/\s+/g, '-');
    const entry = (label: string, joinRule: string): PublicRoomsChunkEntry => ({
      room_id: `!${label}-${term}:${env.fake.serverName}`,
      name: `${term} ${label}`,
      num_joined_members: 3,
      world_readable: false,
      guest_can_join: false,
      join_rule: joinRule,
    });
    const remote = [entry('knock', 'knock'), entry('knockr', 'knock_restricted')];
    const since = env.fake.mark();
    env.fake.use({
      name: 'public_rooms_post',
      method: 'POST',
      path: '/_matrix/federation/v1/publicRooms',
      authenticated: true,
      handle: (request) => {
        const wanted = ((request.body ?? {}) as { filter?: { generic_search_term?: string } }).filter?.generic_search_term ?? '';
        const chunk = remote.filter((room) => room.name?.includes(wanted));
        return { status: 200, body: { chunk, total_room_count_estimate: chunk.length } };
      },
    });

    // A refused or malformed answer of the HSUT's own endpoint fails (MUST); what the remote lists is the remote's.
    const listed = await clientDirectory(user, { generic_search_term: term }, env.fake.serverName)().catch((error: unknown) =>
      must.fail(
        spec('directory.list', RULE_CS_OK),
        `POST /_matrix/client/v3/publicRooms?server=${env.fake.serverName}: ${(error as Error).message}`,
      ),
    );
    // How the HSUT gets the remote list (GET or POST, with the filter or filtering itself) is not fixed.
    const asked = env.fake.requests('public_rooms_post', { since });
    if (
      should.ok(asked.length > 0, spec('directory.remote-server', RULE_ASKED), 'the fake received no federation POST publicRooms request')
    ) {
      should.matchJson(asked[0].body, [jsonKeyEqual('filter.generic_search_term', term)], spec('directory.remote-server', RULE_ASKED));
    }
    for (const expected of remote) {
      const got = listed.find((e) => e.room_id === expected.room_id);
      if (
        !should.ok(
          got !== undefined,
          spec('directory.remote-server', RULE_RELAYED),
          `${expected.room_id} is missing from the ${listed.length} entries returned`,
        )
      )
        continue;
      must.matchJson(
        got,
        [jsonKeyEqual('join_rule', expected.join_rule)],
        spec('directory.join-rule', `${RULE_RELAYED} — ${expected.join_rule}`),
      );
      must.matchJson(
        got,
        [jsonKeyEqual('name', expected.name)],
        spec('directory.chunk-fields', `${RULE_RELAYED}: the name is the remote's — ${expected.join_rule}`),
      );
    }
  });
});
