/**
 * The per-file test environment: the HSUT of this run and a fake homeserver, with Complement's
 * "unexpected requests are errors" check after every test. Call inside a describe():
 *
 *   const env = useFederationEnvironment();
 *   it('…', async () => { const alice = await env.newUser(); … env.fake … });
 */
import { HsutDiedError, hsutDeath } from './hsut-death';
import { CSClient } from '../clients/cs-client';
import { currentHomeserver } from '../deploy/current';
import type { RegisteredUser, StartedHomeserver } from '../deploy/types';
import { standardHandlers, startFakeServer, type FakeServer, type FederationHandler } from '../fake-server';
import { must, setNotClaimedSkipper, setup } from '../match';
import { skipUnlessClaimed } from './claimed';
import { TEST_TIMEOUT_MS } from './timeouts';
import { lendOwner, settleLentOwners } from './user-pool';

/** A client logged in as a registered HSUT user: its `userId` is always set. */
export type UserClient = CSClient & { userId: string };

export interface FederationEnvironment {
  readonly hs: StartedHomeserver;
  readonly fake: FakeServer;
  /** A freshly registered HSUT user, as a client: for a test that looks at the account (its /sync, its rooms). */
  newUser(localpart?: string): Promise<UserClient>;
  /**
   * An HSUT user to create and moderate the test's rooms: new to them, but maybe the owner of earlier tests'
   * rooms in this worker (user-pool.ts), so a test must not read its account beyond the rooms it made itself.
   */
  roomOwner(): Promise<UserClient>;
  /** Another fake homeserver (its own name and key), closed after the file. */
  startOtherFakeServer(handlers?: FederationHandler[]): Promise<FakeServer>;
}

/** Registers a user on the HSUT and returns a client logged in as that user. */
export async function newUserClient(hs: StartedHomeserver, localpart?: string): Promise<UserClient> {
  return userClient(hs, await hs.registerUser(localpart ? { localpart } : {}));
}

function userClient(hs: StartedHomeserver, user: RegisteredUser): UserClient {
  const client = new CSClient({ baseUrl: hs.clientUrl, accessToken: user.accessToken, userId: user.userId, deviceId: user.deviceId });
  return Object.assign(client, { userId: user.userId });
}

export function useFederationEnvironment(options: { handlers?: () => FederationHandler[] } = {}): FederationEnvironment {
  let hs: StartedHomeserver | undefined;
  let fake: FakeServer | undefined;
  const others: FakeServer[] = [];
  let testStart = 0;

  before(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    hs = currentHomeserver();
    fake = await startFakeServer({ hsut: hs, handlers: (options.handlers ?? standardHandlers)() });
  });

  after(async () => {
    await Promise.all([fake?.close(), ...others.map((o) => o.close())]);
  });

  beforeEach(function () {
    this.timeout(TEST_TIMEOUT_MS);
    const death = hsutDeath();
    if (death && this.currentTest) {
      // Reported as not run (an infrastructure error), at once, instead of failing on timeouts one by one.
      this.currentTest.fn = () => {
        throw new HsutDiedError(death);
      };
      return;
    }
    testStart = fake?.mark() ?? 0;
    const ctx = this;
    setNotClaimedSkipper(() => ctx.skip());
    skipUnlessClaimed(this);
  });

  afterEach(function () {
    setNotClaimedSkipper(undefined);
    const unexpected = fake?.unexpectedRequests().filter((r) => r.seq >= testStart) ?? [];
    settleLentOwners(this.currentTest?.state === 'passed' && unexpected.length === 0);
    must.equal(
      unexpected.map((r) => `${r.method} ${r.uri} from ${r.origin ?? r.authError}`),
      [],
      setup('the fake server answered every request the HSUT made during the test (no unexpected request)'),
    );
  });

  return {
    get hs() {
      if (!hs) throw new Error('useFederationEnvironment: the HSUT is read before the before() hook ran');
      return hs;
    },
    get fake() {
      if (!fake) throw new Error('useFederationEnvironment: the fake server is read before the before() hook ran');
      return fake;
    },
    newUser(localpart?: string) {
      return newUserClient(this.hs, localpart);
    },
    async roomOwner() {
      const hs = this.hs;
      return userClient(hs, await lendOwner(hs.serverName, () => hs.registerUser({})));
    },
    async startOtherFakeServer(handlers?: FederationHandler[]) {
      const other = await startFakeServer({ hsut: this.hs, handlers: handlers ?? standardHandlers() });
      others.push(other);
      return other;
    },
  };
}
