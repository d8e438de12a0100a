import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StartedHomeserver } from '../deploy/types';
import { describePreflightProblems, preflightProblems } from './preflight';

type Route = (req: IncomingMessage) => { status: number; body: unknown } | undefined;

async function serve(route: Route): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const answer = route(req) ?? { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'no route' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function homeserver(url: string, registerUser: StartedHomeserver['registerUser']): StartedHomeserver {
  return {
    implementation: 'url',
    serverName: 'hs.test',
    clientUrl: url,
    federationUrl: url,
    registerUser,
    logs: async () => '',
    stop: async () => undefined,
  };
}

const user = async () => ({ userId: '@u:hs.test', accessToken: 't', deviceId: 'd' });

describe('preflight of a --url homeserver', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('names registration first, and nothing else, when no user can be registered', async () => {
    ({ server } = await serve(() => undefined));
    const problems = await preflightProblems(
      homeserver('http://127.0.0.1:1', async () => {
        throw new Error('POST /_matrix/client/v3/register: 403 M_FORBIDDEN Registration has been disabled');
      }),
    );
    expect(problems.map((p) => p.need)).to.deep.equal(['user registration (open, or with the shared secret given as --shared-secret)']);
    expect(problems[0].synapse).to.match(/enable_registration/);
  });

  it('lists each missing setting with its Synapse key: publication refused, federation requests not verified', async () => {
    let served: { server: Server; url: string };
    served = await serve((req) => {
      if (req.url?.startsWith('/_matrix/client/v3/createRoom')) return { status: 200, body: { room_id: '!r:hs.test' } };
      if (req.url?.startsWith('/_matrix/client/v3/directory/list/room/'))
        return { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'Not allowed to publish room' } };
      if (req.url?.startsWith('/_matrix/federation/v1/query/profile'))
        return { status: 401, body: { errcode: 'M_UNAUTHORIZED', error: 'Failed to find any key' } };
      return undefined;
    });
    server = served.server;
    const problems = await preflightProblems(homeserver(served.url, user));
    expect(problems.map((p) => p.synapse)).to.deep.equal(['room_list_publication_rules: [{action: allow}]', problems[1].synapse]);
    expect(problems[1].synapse).to.match(/federation_verify_certificates: false/);
    expect(problems[1].seen).to.match(/401 M_UNAUTHORIZED/);
    expect(describePreflightProblems(problems, served.url).split('\n')).to.have.length(3);
    expect(describePreflightProblems(problems.slice(0, 1), served.url).split('\n')).to.have.length(1);
  });

  it('names allow_public_rooms_over_federation when the directory is closed to federation', async () => {
    const served = await serve((req) => {
      if (req.url?.startsWith('/_matrix/client/v3/createRoom')) return { status: 200, body: { room_id: '!r:hs.test' } };
      if (req.url?.startsWith('/_matrix/client/v3/directory/list/room/')) return { status: 200, body: {} };
      if (req.url?.startsWith('/_matrix/federation/v1/query/profile'))
        return { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'no such user' } };
      if (req.url?.startsWith('/_matrix/federation/v1/publicRooms'))
        return { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'You are not allowed to view the public rooms list' } };
      return undefined;
    });
    server = served.server;
    const problems = await preflightProblems(homeserver(served.url, user));
    expect(problems.map((p) => p.synapse)).to.deep.equal(['allow_public_rooms_over_federation: true']);
  });

  it('finds nothing to complain about when everything answers', async () => {
    const served = await serve((req) => {
      if (req.url?.startsWith('/_matrix/client/v3/createRoom')) return { status: 200, body: { room_id: '!r:hs.test' } };
      if (req.url?.startsWith('/_matrix/client/v3/directory/list/room/')) return { status: 200, body: {} };
      if (req.url?.startsWith('/_matrix/federation/v1/query/profile')) return { status: 200, body: { displayname: 'x' } };
      if (req.url?.startsWith('/_matrix/federation/v1/publicRooms')) return { status: 200, body: { chunk: [] } };
      return undefined;
    });
    server = served.server;
    expect(await preflightProblems(homeserver(served.url, user))).to.deep.equal([]);
  });
});
