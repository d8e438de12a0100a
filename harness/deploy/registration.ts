/**
 * Creating users on the HSUT: open registration with m.login.dummy first, then the shared-secret admin API
 * (/_synapse/admin/v1/register, also implemented by Dendrite and Conduit for Complement).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { CSClient, HttpError } from '../clients/cs-client';
import { RegisteredUser, RegisterUserOptions } from './types';

const PASSWORD = 'knockknock-password';

export function uniqueLocalpart(prefix = 'kk'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function registerUser(
  clientUrl: string,
  sharedSecret: string | undefined,
  opts: RegisterUserOptions = {},
): Promise<RegisteredUser> {
  const localpart = opts.localpart ?? uniqueLocalpart();
  if (opts.admin) {
    if (!sharedSecret) throw new Error('registerUser({admin: true}) needs the HSUT registration shared secret');
    return registerWithSharedSecret(clientUrl, sharedSecret, localpart, true);
  }
  const client = new CSClient({ baseUrl: clientUrl });
  try {
    return await client.register(localpart, PASSWORD);
  } catch (err) {
    if (!sharedSecret || !(err instanceof HttpError)) throw err;
    return registerWithSharedSecret(clientUrl, sharedSecret, localpart, false);
  }
}

export async function registerWithSharedSecret(
  clientUrl: string,
  sharedSecret: string,
  localpart: string,
  admin: boolean,
): Promise<RegisteredUser> {
  const client = new CSClient({ baseUrl: clientUrl });
  const path = '/_synapse/admin/v1/register';
  const { nonce } = await client.must<{ nonce: string }>('GET', path);
  const mac = createHmac('sha1', sharedSecret)
    .update(`${nonce}\0${localpart}\0${PASSWORD}\0${admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
  const body = await client.must<{ user_id: string; access_token: string; device_id: string }>('POST', path, {
    body: { nonce, username: localpart, password: PASSWORD, admin, mac },
  });
  return { userId: body.user_id, accessToken: body.access_token, deviceId: body.device_id };
}
