/**
 * Server-level endpoints: the key server, /version, /query/directory, /query/profile, and the device/key
 * queries a homeserver makes once it shares a room with the fake's users.
 */
import { builtInHandler, matrixError, type FederationHandler, type HandlerFunction, type HandlerOptions } from '../handler-types';
import { ownKeyDocument } from '../key-store';
import { serverOf } from '../room';

export function handleKeyRequests(options: HandlerOptions = {}): FederationHandler[] {
  const own: HandlerFunction = (_request, fake) => ({ status: 200, body: ownKeyDocument(fake.serverName, fake.key) });
  const unauthenticated = (name: string, method: string, path: string) => ({ name, method, path, authenticated: false });
  return [
    builtInHandler(unauthenticated('key_server', 'GET', '/_matrix/key/v2/server'), own, options),
    builtInHandler(unauthenticated('key_server_by_id', 'GET', '/_matrix/key/v2/server/{keyId}'), own, options),
    builtInHandler(
      unauthenticated('key_query', 'POST', '/_matrix/key/v2/query'),
      (request, fake) => {
        const wanted = Object.keys(((request.body ?? {}) as { server_keys?: Record<string, unknown> }).server_keys ?? {});
        const keys = wanted.includes(fake.serverName) ? [ownKeyDocument(fake.serverName, fake.key)] : [];
        return { status: 200, body: { server_keys: keys } };
      },
      options,
    ),
    builtInHandler(
      unauthenticated('key_query_server', 'GET', '/_matrix/key/v2/query/{serverName}'),
      (request, fake) => ({
        status: 200,
        body: { server_keys: request.params.serverName === fake.serverName ? [ownKeyDocument(fake.serverName, fake.key)] : [] },
      }),
      options,
    ),
  ];
}

export function handleVersion(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'version', method: 'GET', path: '/_matrix/federation/v1/version', authenticated: false },
    () => ({ status: 200, body: { server: { name: 'knockknock-fake', version: '0.1.0' } } }),
    options,
  );
}

export function handleDirectoryQuery(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'query_directory', method: 'GET', path: '/_matrix/federation/v1/query/directory' },
    answerDirectoryQuery,
    options,
  );
}

export function handleProfileQuery(options: HandlerOptions = {}): FederationHandler {
  return builtInHandler(
    { name: 'query_profile', method: 'GET', path: '/_matrix/federation/v1/query/profile' },
    answerProfileQuery,
    options,
  );
}

/** The room an alias of the fake names, with the fake as the server to join through. */
const answerDirectoryQuery: HandlerFunction = (request, fake) => {
  const alias = request.query.get('room_alias') ?? '';
  const roomId = fake.aliases.get(alias);
  if (!roomId) return matrixError(404, 'M_NOT_FOUND', `no room alias ${alias}`);
  return { status: 200, body: { room_id: roomId, servers: [fake.serverName] } };
};

/** A fake user's profile (setProfile), or one field of it. */
const answerProfileQuery: HandlerFunction = (request, fake) => {
  const userId = request.query.get('user_id') ?? '';
  if (serverOf(userId) !== fake.serverName) return matrixError(400, 'M_INVALID_PARAM', `${userId} is not on ${fake.serverName}`);
  const profile = fake.profiles.get(userId) ?? {};
  const field = request.query.get('field');
  if (field) {
    const value = (profile as Record<string, unknown>)[field];
    return value === undefined ? matrixError(404, 'M_NOT_FOUND', `no ${field} for ${userId}`) : { status: 200, body: { [field]: value } };
  }
  return { status: 200, body: profile };
};

/** Device lists and E2E keys of fake users: always empty. */
export function handleDeviceQueries(options: HandlerOptions = {}): FederationHandler[] {
  return [
    builtInHandler(
      { name: 'user_devices', method: 'GET', path: '/_matrix/federation/v1/user/devices/{userId}' },
      (request) => ({ status: 200, body: { user_id: request.params.userId, stream_id: 0, devices: [] } }),
      options,
    ),
    builtInHandler(
      { name: 'user_keys_query', method: 'POST', path: '/_matrix/federation/v1/user/keys/query' },
      () => ({ status: 200, body: { device_keys: {} } }),
      options,
    ),
  ];
}
