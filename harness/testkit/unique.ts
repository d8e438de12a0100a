import { randomBytes } from 'node:crypto';

/** A fresh name for a user, room or alias, so that every test has its own (`knocker-3fa9c2d1`). */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
