/**
 * Server-level endpoints: the key server, /version, /query/directory, /query/profile, and the device/key
 * queries a homeserver makes once it shares a room with the fake's users.
 */
import { applyWrapper, matrixError, type FederationHandler, type HandlerOptions } from '../handler-types';
import { ownKeyDocument } from '../key-store';
import { serverOf } from '../room';

export function handleKeyRequests(options: HandlerOptions = {}): FederationHandler[] {
  const own: FederationHandler['handle'] = (_request, fake) => ({ status: 200, body: ownKeyDocument(fake.serverName, fake.key) });
  return [
    applyWrapper({ name: 'key_server', method: 'GET', path: '/_matrix/key/v2/server', authenticated: false, handle: own }, options.wrap),
    applyWrapper(
      { name: 'key_server_by_id', method: 'GET', path: '/_matrix/key/v2/server/{keyId}', authenticated: false, handle: own },
      options.wrap,
    ),
    applyWrapper(
      {
        name: 'key_query',
        method: 'POST',
        path: '/_matrix/key/v2/query',
        authenticated: false,
        handle: (request, fake) => {
          const wanted = Object.keys(((request.body ?? {}) as { server_keys?: Record<string, unknown> }).server_keys ?? {});
          const keys = wanted.includes(fake.serverName) ? [ownKeyDocument(fake.serverName, fake.key)] : [];
          return { status: 200, body: { server_keys: keys } };
        },
      },
      options.wrap,
    ),
    applyWrapper(
      {
        name: 'key_query_server',
        method: 'GET',
        path: '/_matrix/key/v2/query/{serverName}',
        authenticated: false,
        handle: (request, fake) => ({
          status: 200,
          body: { server_keys: request.params.serverName === fake.serverName ? [ownKeyDocument(fake.serverName, fake.key)] : [] },
        }),
      },
      options.wrap,
    ),
  ];
}

export function handleVersion(options: HandlerOptions = {}): FederationHandler {
  return applyWrapper(
    {
      name: 'version',
      method: 'GET',
      path: '/_matrix/federation/v1/version',
      authenticated: false,
      handle: () => ({ status: 200, body: { server: { name: 'knockknock-fake', version: '0.1.0' } } }),
    },
    options.wrap,
  );
}

export function handleDirectoryQuery(options: HandlerOptions = {}): FederationHandler {
  return applyWrapper(
    {
      name: 'query_directory',
      method: 'GET',
      path: '/_matrix/federation/v1/query/directory',
      authenticated: true,
      handle: (request, fake) => {
        const alias = request.query.get('room_alias') ?? '';
        const roomId = fake.aliases.get(alias);
        if (!roomId) return matrixError(404, 'M_NOT_FOUND', `no room alias ${alias}`);
        return { status: 200, body: { room_id: roomId, servers: [fake.serverName] } };
      },
    },
    options.wrap,
  );
}

export function handleProfileQuery(options: HandlerOptions = {}): FederationHandler {
  return applyWrapper(
    {
      name: 'query_profile',
      method: 'GET',
      path: '/_matrix/federation/v1/query/profile',
      authenticated: true,
      handle: (request, fake) => {
        const userId = request.query.get('user_id') ?? '';
        if (serverOf(userId) !== fake.serverName) return matrixError(400, 'M_INVALID_PARAM', `${userId} is not on ${fake.serverName}`);
        const profile = fake.profiles.get(userId) ?? {};
        const field = request.query.get('field');
        if (field) {
          const value = (profile as Record<string, unknown>)[field];
          return value === undefined ? matrixError(404, 'M_NOT_FOUND', `no ${field} for ${userId}`) : { status: 200, body: { [field]: value } };
        }
        return { status: 200, body: profile };
      },
    },
    options.wrap,
  );
}

/** Device lists and E2E keys of fake users: always empty. */
export function handleDeviceQueries(options: HandlerOptions = {}): FederationHandler[] {
  return [
    applyWrapper(
      {
        name: 'user_devices',
        method: 'GET',
        path: '/_matrix/federation/v1/user/devices/{userId}',
        authenticated: true,
        handle: (request) => ({ status: 200, body: { user_id: request.params.userId, stream_id: 0, devices: [] } }),
      },
      options.wrap,
    ),
    applyWrapper(
      {
        name: 'user_keys_query',
        method: 'POST',
        path: '/_matrix/federation/v1/user/keys/query',
        authenticated: true,
        handle: () => ({ status: 200, body: { device_keys: {} } }),
      },
      options.wrap,
    ),
  ];
}
