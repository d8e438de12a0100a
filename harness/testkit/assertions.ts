/**
 * Checks suites share. Named as in Complement: a `must…` helper fails the test (through harness/match's `must`),
 * a plain name returns what it read.
 */
import { SyncTimeoutError, type CSClient, type SyncBody } from '../clients/cs-client';
import { generateSigningKey } from '../core';
import type { FakeServer } from '../fake-server';
import { match, must, should, spec, type MatchableResponse, type MustRule } from '../match';
import { membershipOf } from './hsut-rooms';
import { WAIT_MS } from './timeouts';

/**
 * Fails the test (as `rule`) unless `viewer` — the room owner — sees `userId` with `expected` membership in the
 * room's current state (undefined: no membership at all).
 */
export async function mustHaveMembership(
  viewer: CSClient,
  roomId: string,
  userId: string,
  expected: string | undefined,
  rule: MustRule,
): Promise<void> {
  const seen = await membershipOf(viewer, roomId, userId);
  must.equal(seen ?? 'none', expected ?? 'none', { ...rule, text: `${rule.text} (membership of ${userId} as the room owner sees it)` });
}

/**
 * CSClient.syncUntil (from `options.since`, or initial syncs) for up to WAIT_MS; a timeout fails the test as
 * `rule`, with what the last sync showed.
 */
export async function mustSyncUntil(
  client: CSClient,
  predicate: (body: SyncBody) => boolean,
  options: { since?: string },
  rule: MustRule,
): Promise<{ body: SyncBody; since: string }> {
  try {
    return await client.syncUntil(predicate, { since: options.since, timeoutMs: WAIT_MS });
  } catch (error) {
    if (error instanceof SyncTimeoutError) must.fail(rule, error.message);
    throw error;
  }
}

/**
 * make_knock's answer when `ver` does not list the room's version: 400 is fixed (MUST), M_INCOMPATIBLE_ROOM_VERSION
 * is the definition's example (SHOULD), and that errcode requires the room's `room_version` (MUST).
 */
export function mustRefuseIncompatibleVersion(res: MatchableResponse, roomVersion: string): void {
  must.matchResponse(
    res,
    { status: 400 },
    spec('make_knock.incompatible-version', "make_knock MUST answer 400 when ver does not list the room's version"),
  );
  should.matchResponse(
    res,
    { status: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION' },
    spec(
      'make_knock.incompatible-version',
      "make_knock SHOULD answer errcode M_INCOMPATIBLE_ROOM_VERSION (the example) when ver does not list the room's version",
    ),
  );
  if (res.errcode === 'M_INCOMPATIBLE_ROOM_VERSION') {
    must.matchJson(
      res.body,
      [match.jsonKeyEqual('room_version', roomVersion)],
      spec('make_knock.incompatible-version', "An M_INCOMPATIBLE_ROOM_VERSION answer MUST carry the room's room_version"),
    );
  }
}

const REQUIRES_AUTH = { make_knock: 'make_knock.requires-auth', send_knock: 'send_knock.requires-auth' } as const;

/**
 * The endpoint's request sent by `fake` without X-Matrix authorization, then signed with a key that is not the
 * origin's: each MUST be refused (the spec fixes no status: any answer from 400 on), 401 M_UNAUTHORIZED SHOULD.
 */
export async function mustRequireXMatrix(
  fake: FakeServer,
  endpoint: keyof typeof REQUIRES_AUTH,
  request: { method: string; path: string; query?: Record<string, string | string[] | undefined>; body?: unknown },
): Promise<void> {
  const clause = REQUIRES_AUTH[endpoint];
  const unsigned = await fake.request({ ...request, sign: false });
  must.ok(
    unsigned.status >= 400,
    spec(clause, `${endpoint} MUST refuse a request without X-Matrix authorization`),
    `got ${unsigned.status} ${JSON.stringify(unsigned.body)}`,
  );
  should.matchResponse(
    unsigned,
    { status: 401, errcode: 'M_UNAUTHORIZED' },
    spec(clause, `${endpoint} SHOULD answer 401 M_UNAUTHORIZED to a request without X-Matrix authorization`),
  );
  const forged = await fake.request({ ...request, keyOverride: generateSigningKey(fake.key.keyId) });
  must.ok(
    forged.status >= 400,
    spec(clause, `${endpoint} MUST refuse a request whose X-Matrix signature does not verify with the origin's key`),
    `got ${forged.status} ${JSON.stringify(forged.body)}`,
  );
  should.matchResponse(
    forged,
    { status: 401, errcode: 'M_UNAUTHORIZED' },
    spec(clause, `${endpoint} SHOULD answer 401 M_UNAUTHORIZED to a request whose X-Matrix signature does not verify`),
  );
}
