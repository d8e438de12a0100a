/**
 * Before the suites run against a homeserver someone else configured (`--driver url`): does it allow what the
 * suites need? Each missing setting would otherwise show up as dozens of "spec violations" that are really
 * configuration. The checks stop at the first thing they cannot do (without registration nothing else can be tried).
 */
import { withDeadline } from '../core/deadline';
import { CSClient } from '../clients/cs-client';
import type { StartedHomeserver } from '../deploy/types';
import { handleKeyRequests, startFakeServer, type FakeServer } from '../fake-server';

export interface PreflightProblem {
  /** What the suites need, as a developer of any homeserver would look for it. */
  need: string;
  /** What the homeserver answered. */
  seen: string;
  /** The Synapse configuration that provides it. */
  synapse: string;
}

const TIMEOUT_MS = 10_000;

/** Runs every check; an empty list means the suites can run. Never throws for the HSUT's answers. */
export async function preflightProblems(hs: StartedHomeserver): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  let client: CSClient;
  try {
    const user = await withDeadline(hs.registerUser({}), TIMEOUT_MS, 'registering a user');
    client = new CSClient({ baseUrl: hs.clientUrl, accessToken: user.accessToken, userId: user.userId, deviceId: user.deviceId });
  } catch (error) {
    return [
      {
        need: 'user registration (open, or with the shared secret given as --shared-secret)',
        seen: firstLine(error),
        synapse:
          'enable_registration: true and enable_registration_without_verification: true, or registration_shared_secret (pass it as --shared-secret)',
      },
    ];
  }
  problems.push(...(await roomChecks(client)));
  problems.push(...(await federationChecks(hs)));
  return problems;
}

/** One line per problem, for a UsageError. */
export function describePreflightProblems(problems: PreflightProblem[], clientUrl: string): string {
  const describe = (p: PreflightProblem) => `${p.need}: ${p.seen} (Synapse: ${p.synapse})`;
  const head = `the homeserver at ${clientUrl} cannot run the knock suites`;
  if (problems.length === 1) return `${head}; it lacks ${describe(problems[0])}`;
  return `${head}; it lacks:\n${problems.map((p) => `  - ${describe(p)}`).join('\n')}`;
}

async function roomChecks(client: CSClient): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  const alias = `kk-preflight-${Date.now().toString(36)}`;
  const created = await client.do('POST', '/_matrix/client/v3/createRoom', { body: { preset: 'public_chat', room_alias_name: alias } });
  let roomId = (created.body as { room_id?: string } | undefined)?.room_id;
  if (created.status !== 200) {
    problems.push({
      need: 'local users may create room aliases',
      seen: `createRoom with room_alias_name answered ${created.status} ${created.errcode ?? ''}`.trim(),
      synapse: 'alias_creation_rules: [{action: allow}]',
    });
    const plain = await client.do('POST', '/_matrix/client/v3/createRoom', { body: { preset: 'public_chat' } });
    roomId = (plain.body as { room_id?: string } | undefined)?.room_id;
    if (plain.status !== 200) {
      problems.push({
        need: 'local users may create rooms',
        seen: `createRoom answered ${plain.status} ${plain.errcode ?? ''}`.trim(),
        synapse: 'enable_room_creation / rc_room_creation',
      });
      return problems;
    }
  }
  const published = await client.do('PUT', `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId!)}`, {
    body: { visibility: 'public' },
  });
  if (published.status !== 200) {
    problems.push({
      need: 'local users may publish their rooms in the room directory',
      seen: `PUT /directory/list/room answered ${published.status} ${published.errcode ?? ''}`.trim(),
      synapse: 'room_list_publication_rules: [{action: allow}]',
    });
  }
  return problems;
}

async function federationChecks(hs: StartedHomeserver): Promise<PreflightProblem[]> {
  let fake: FakeServer | undefined;
  try {
    fake = await startFakeServer({ hsut: hs, handlers: [handleKeyRequests()], outboundTimeoutMs: TIMEOUT_MS });
    const since = fake.mark();
    // Any authenticated endpoint: the HSUT can only answer it after fetching the fake's key from the fake over TLS.
    const profile = await fake.request({
      method: 'GET',
      path: '/_matrix/federation/v1/query/profile',
      query: { user_id: `@kk-preflight:${hs.serverName}` },
    });
    const keyFetched = ['key_server', 'key_server_by_id'].some((handler) => fake!.requests(handler, { since }).length > 0);
    if (profile.status === 401 || profile.status === 403 || profile.status >= 500) {
      return [
        {
          need: `federation with a server on loopback: the homeserver fetches the fake server's keys from https://${fake.serverName} (a private CA) to verify its requests`,
          seen: `a signed GET /_matrix/federation/v1/query/profile answered ${answer(profile)}; the fake's key server was ${keyFetched ? 'asked' : 'never asked'}`,
          synapse:
            "federation_verify_certificates: false (or the fake's CA in federation_custom_ca_list), ip_range_whitelist: ['127.0.0.0/8', '::1'], ip_range_blacklist: [], trusted_key_servers: []",
        },
      ];
    }
    const rooms = await fake.request({ method: 'GET', path: '/_matrix/federation/v1/publicRooms' });
    if (rooms.status !== 200) {
      return [
        {
          need: 'the room directory served over federation',
          seen: `GET /_matrix/federation/v1/publicRooms answered ${answer(rooms)}`,
          synapse: 'allow_public_rooms_over_federation: true',
        },
      ];
    }
    return [];
  } catch (error) {
    return [
      {
        need: 'federation with a server on loopback',
        seen: firstLine(error),
        synapse: 'federation_verify_certificates: false, ip_range_whitelist: [127.0.0.0/8]',
      },
    ];
  } finally {
    await fake?.close();
  }
}

function answer(response: { status: number; errcode?: string; error?: string }): string {
  return [response.status, response.errcode, response.error && `"${response.error}"`].filter(Boolean).join(' ');
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
