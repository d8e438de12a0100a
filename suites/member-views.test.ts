/**
 * What clients of the HSUT see of a knock besides /sync's rooms.knock: the member list filters (GET /members with
 * membership / not_membership), the room summary counts (joined and invited users only), the room history
 * (/messages), and a forgotten room coming back under rooms.knock when its former member knocks again.
 */
import type { CSClient, ClientEvent } from '../harness/clients/cs-client';
import { knockOn } from '../harness/fake-server';
import { must, setup, should, spec } from '../harness/match';
import {
  KNOCK_VERSIONS,
  WAIT_MS,
  createHsutRoom,
  freshSync,
  pollUntil,
  unique,
  useFederationEnvironment,
  waitForMembership,
} from '../harness/testkit';

const enc = encodeURIComponent;

async function members(viewer: CSClient, roomId: string, query: Record<string, string>): Promise<ClientEvent[]> {
  const res = await viewer.do('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/members`, { query });
  must.matchResponse(res, { status: 200 }, spec('members.membership-filter', 'GET /members answers 200 to a joined member'));
  const chunk = (res.body as { chunk?: ClientEvent[] }).chunk;
  must.ok(
    Array.isArray(chunk),
    spec('members.membership-filter', 'GET /members answers a `chunk` of member events'),
    JSON.stringify(res.body),
  );
  return chunk;
}

const byMembership = (events: ClientEvent[]) => events.map((e) => `${e.state_key}=${String(e.content?.membership)}`).sort();

describe('What members see of a knock: member list filters, room summary counts, room history, a forgotten room knocked on again', function () {
  const env = useFederationEnvironment();

  for (const v of KNOCK_VERSIONS) {
    it(`GET /members with membership=knock lists exactly the knocking user, and not_membership=knock leaves them out [spec:members.membership-filter] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock' });
      const knocker = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, knocker);
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, setup('the fake user knocks through make_knock/send_knock'));
      await waitForMembership(owner, roomId, knocker, 'knock');

      const rule = spec('members.membership-filter', 'membership=knock lists the members whose membership is knock, and only them');
      must.equal(byMembership(await members(owner, roomId, { membership: 'knock' })), [`${knocker}=knock`], rule);
      const notKnock = byMembership(await members(owner, roomId, { not_membership: 'knock' }));
      must.equal(
        notKnock,
        [`${owner.userId}=join`],
        spec('members.membership-filter', 'not_membership=knock lists every member whose membership is not knock'),
      );
      must.equal(
        byMembership(await members(owner, roomId, { membership: 'join' })),
        [`${owner.userId}=join`],
        spec('members.membership-filter', 'membership=join does not list a knocking user'),
      );
    });

    it(`The room summary of an initial /sync counts the joined owner and no one invited while a user knocks [spec:sync.summary-counts-exclude-knocks] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock' });
      const knocker = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, knocker);
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, setup('the fake user knocks through make_knock/send_knock'));
      await waitForMembership(owner, roomId, knocker, 'knock');

      const body = await owner.sync({ filter: { room: { state: { lazy_load_members: true } } } });
      const summary = (body.rooms?.join?.[roomId] as { summary?: Record<string, unknown> } | undefined)?.summary;
      // "If this field has not changed since the last sync, it may be omitted. Required otherwise": an initial
      // sync has no last sync, but servers differ on whether they send a summary at all, so absence is a warning.
      if (
        !should.ok(
          summary !== undefined,
          spec('sync.summary-counts-exclude-knocks', 'an initial /sync carries the room summary'),
          'no summary in rooms.join',
        )
      )
        return;
      for (const [key, want] of [
        ['m.joined_member_count', 1],
        ['m.invited_member_count', 0],
      ] as const) {
        if (summary![key] === undefined) {
          should.ok(
            false,
            spec('sync.summary-counts-exclude-knocks', `an initial /sync's summary carries ${key}`),
            JSON.stringify(summary),
          );
          continue;
        }
        must.equal(
          summary![key],
          want,
          spec(
            'sync.summary-counts-exclude-knocks',
            `${key} counts users of that membership only: a knocking user is neither joined nor invited`,
          ),
        );
      }
    });

    it(`A joined member's /messages shows a local and a remote knock [spec:messages.members-see-knock] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const localKnocker = await env.newUser();
      const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock' });
      await localKnocker.knock(roomId);
      const remoteKnocker = env.fake.userId(unique('knocker'));
      const knock = await knockOn(env.fake, roomId, remoteKnocker);
      must.matchResponse(knock.send ?? knock.make, { status: 200 }, setup('the fake user knocks through make_knock/send_knock'));
      await waitForMembership(owner, roomId, remoteKnocker, 'knock');

      const knocksSeen = async () => {
        const res = await owner.do('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages`, { query: { dir: 'b', limit: '50' } });
        must.matchResponse(res, { status: 200 }, spec('messages.members-see-knock', 'GET /messages answers 200 to a joined member'));
        const chunk = ((res.body as { chunk?: ClientEvent[] }).chunk ?? []).filter(
          (e) => e.type === 'm.room.member' && e.content?.membership === 'knock',
        );
        return chunk.map((e) => `${e.state_key}=${e.sender === e.state_key ? 'self' : e.sender}`).sort();
      };
      const want = [`${localKnocker.userId}=self`, `${remoteKnocker}=self`].sort();
      let seen: string[] = [];
      try {
        await pollUntil(async () => ((seen = await knocksSeen()).length >= want.length ? true : undefined), {
          timeoutMs: WAIT_MS,
          description: 'both knocks in /messages',
        });
      } catch {
        // the assertion below names what was seen
      }
      must.equal(
        seen,
        want,
        spec('messages.members-see-knock', "/messages lists each knock member event (sent by the knocking user) in the room's history"),
      );
    });

    it(`A room the user left and forgot is listed under rooms.knock again when they knock again [spec:sync.knock-section] [v${v}]`, async () => {
      const owner = await env.roomOwner();
      const user = await env.newUser();
      const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock' });
      await user.knock(roomId);
      await user.leave(roomId);
      const forgot = await user.do('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/forget`, { body: {} });
      must.matchResponse(forgot, { status: 200 }, setup('the user forgets the room it left'));
      const before = await freshSync(user);
      await user.knock(roomId);
      let inKnock = false;
      let since = before.next_batch;
      const deadline = Date.now() + WAIT_MS;
      while (!inKnock && Date.now() < deadline) {
        const body = await freshSync(user, since);
        since = body.next_batch;
        inKnock = body.rooms?.knock?.[roomId] !== undefined;
      }
      must.ok(
        inKnock,
        spec('sync.knock-section', 'a forgotten room the user knocks on again is listed under rooms.knock of /sync'),
        `not under rooms.knock of an incremental /sync within ${WAIT_MS} ms`,
      );
      // A client starting afresh (an initial /sync) must find it there too: the knock ended the forgotten state.
      const initial = await freshSync(user);
      const sections = Object.entries(initial.rooms ?? {}).filter(([, rooms]) => rooms && roomId in rooms);
      must.ok(
        initial.rooms?.knock?.[roomId] !== undefined,
        spec('sync.knock-section', 'a forgotten room the user knocks on again is listed under rooms.knock of /sync'),
        `not under rooms.knock of an initial /sync (the room is under: ${sections.map(([name]) => name).join(', ') || 'no section'})`,
      );
    });
  }
});
