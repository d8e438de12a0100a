/**
 * Room owners lent from a per-worker pool. A test needs users new to *its rooms*, not new to the server, and an
 * owner only creates and moderates rooms: the owner of an earlier test in this worker can own the next test's
 * rooms, which saves a registration (about 15 % of Synapse's time in a full run). Each owner serves at most
 * OWNER_REUSE_LIMIT tests, so its account (its joined rooms, its /sync) stays small, and one lent to a test that
 * did not pass cleanly is never lent again: whatever that test left half done stays with it.
 */
import type { RegisteredUser } from '../deploy/types';

export const OWNER_REUSE_LIMIT = 10;

interface PooledUser {
  readonly registered: RegisteredUser;
  testsServed: number;
}

/** Idle owners per HSUT (a worker keeps to one instance, a serial run may see several in turn). */
const idleByHsut = new Map<string, PooledUser[]>();
/** Owners lent to the running test: each test gets its own, however many it asks for. */
let lent: Array<{ hsut: string; user: PooledUser }> = [];

/** An idle owner of that HSUT, or one `register` makes; lent to the running test until settleLentOwners(). */
export async function lendOwner(hsut: string, register: () => Promise<RegisteredUser>): Promise<RegisteredUser> {
  const user = idleByHsut.get(hsut)?.shift() ?? { registered: await register(), testsServed: 0 };
  lent.push({ hsut, user });
  return user.registered;
}

/** Ends the running test's loans: back to the pool if the test passed cleanly and the owner has served less than its limit. */
export function settleLentOwners(testPassedCleanly: boolean): void {
  for (const { hsut, user } of lent) {
    user.testsServed += 1;
    if (!testPassedCleanly || user.testsServed >= OWNER_REUSE_LIMIT) continue;
    const idle = idleByHsut.get(hsut) ?? [];
    idle.push(user);
    idleByHsut.set(hsut, idle);
  }
  lent = [];
}

/** Forgets every owner (unit tests; a new run in the same process). */
export function clearOwnerPool(): void {
  idleByHsut.clear();
  lent = [];
}
