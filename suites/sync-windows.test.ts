/**
 * /sync sections follow the knocking user's current membership: when the knock and its outcome (an invite, a kick,
 * a ban) fall in one incremental sync window, the room is listed in the outcome's section only — an invited user is
 * no longer a user who "has knocked upon" the room, a kicked or banned one has "left or been banned from" it.
 */
import type { CSClient, SyncBody } from '../harness/clients/cs-client';
import { must, spec } from '../harness/match';
import { KNOCK_VERSIONS, WAIT_MS, createHsutRoom, freshSync, useFederationEnvironment, waitForMembership } from '../harness/testkit';

type Section = 'join' | 'invite' | 'knock' | 'leave';

function sectionsOf(body: SyncBody, roomId: string): Section[] {
  const rooms = body.rooms ?? {};
  return (['join', 'invite', 'knock', 'leave'] as const).filter((name) => rooms[name]?.[roomId] !== undefined);
}

/** Incremental syncs from `since` until the room shows up in some section; the sections of that answer. */
async function sectionsOnceListed(user: CSClient, roomId: string, since: string): Promise<Section[]> {
  const deadline = Date.now() + WAIT_MS;
  let next = since;
  while (Date.now() < deadline) {
    const body = await freshSync(user, next);
    const found = sectionsOf(body, roomId);
    if (found.length > 0) return found;
    next = body.next_batch;
  }
  return [];
}

const OUTCOMES = [
  {
    name: 'invite',
    act: (owner: CSClient, roomId: string, userId: string) => owner.invite(roomId, userId),
    membership: 'invite',
    sections: ['invite', 'join'] as Section[],
    clause: 'sync.knock-accepted-to-invite' as const,
  },
  {
    name: 'kick',
    act: (owner: CSClient, roomId: string, userId: string) => owner.kick(roomId, userId),
    membership: 'leave',
    sections: ['leave'] as Section[],
    clause: 'sync.knock-rejected-to-leave' as const,
  },
  {
    name: 'ban',
    act: (owner: CSClient, roomId: string, userId: string) => owner.ban(roomId, userId),
    membership: 'ban',
    sections: ['leave'] as Section[],
    clause: 'sync.knock-rejected-to-leave' as const,
  },
];

describe('/sync sections follow the current membership when a knock and its outcome fall in one sync window', function () {
  const env = useFederationEnvironment();

  for (const v of KNOCK_VERSIONS) {
    for (const outcome of OUTCOMES) {
      it(`A knock followed by a${outcome.name === 'invite' ? 'n' : ''} ${outcome.name} before the next /sync lists the room under rooms.${outcome.sections[0]} only, not rooms.knock [spec:${outcome.clause},sync.knock-section] [v${v}]`, async () => {
        const owner = await env.roomOwner();
        const user = await env.newUser();
        const roomId = await createHsutRoom(owner, { roomVersion: v, joinRule: 'knock' });
        const before = await freshSync(user);
        await user.knock(roomId);
        await outcome.act(owner, roomId, user.userId);
        await waitForMembership(owner, roomId, user.userId, outcome.membership);

        const sections = await sectionsOnceListed(user, roomId, before.next_batch);
        must.ok(
          sections.some((s) => outcome.sections.includes(s)),
          spec(outcome.clause, `after the ${outcome.name}, /sync lists the room under rooms.${outcome.sections.join(' or rooms.')}`),
          `sections: ${JSON.stringify(sections)}`,
        );
        must.ok(
          !sections.includes('knock'),
          spec(
            'sync.knock-section',
            'rooms.knock lists the rooms the user has knocked upon: not a room whose knock was already answered in the same window',
          ),
          `sections: ${JSON.stringify(sections)}`,
        );
      });
    }
  }
});
