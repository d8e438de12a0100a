/** Conditions on the HSUT that tests wait for (polling with a deadline). */
import type { CSClient } from '../clients/cs-client';
import { membershipOf } from './hsut-rooms';
import { pollUntil } from './poll';
import { WAIT_MS } from './timeouts';

/** Waits until `viewer` sees `userId` with `membership` in the room's current state. */
export async function waitForMembership(
  viewer: CSClient,
  roomId: string,
  userId: string,
  membership: string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  let seen: string | undefined;
  await pollUntil(
    async () => {
      seen = await membershipOf(viewer, roomId, userId);
      return seen === membership ? true : undefined;
    },
    { timeoutMs, description: `${userId} to have membership '${membership}' in ${roomId} as ${viewer.userId} sees it` },
    () => `last seen membership: ${seen ?? 'none'}`,
  );
}

/** Waits until the HSUT serves the event to `viewer` (GET /rooms/{roomId}/event/{eventId} → 200). */
export async function waitForEvent(
  viewer: CSClient,
  roomId: string,
  eventId: string,
  timeoutMs = WAIT_MS,
): Promise<Record<string, unknown>> {
  let lastStatus = 0;
  return pollUntil(
    async () => {
      const response = await viewer.do(
        'GET',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`,
      );
      lastStatus = response.status;
      return response.status === 200 ? (response.body as Record<string, unknown>) : undefined;
    },
    { timeoutMs, description: `event ${eventId} to be visible in ${roomId} to ${viewer.userId}` },
    () => `last status ${lastStatus}`,
  );
}
