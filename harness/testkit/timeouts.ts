/** How long tests wait for a condition. KK_TIMEOUT_SCALE stretches every deadline (slow CI machines). */
export const TIMEOUT_SCALE = Number(process.env.KK_TIMEOUT_SCALE ?? 1) || 1;

/** Deadline for one awaited condition (a sync, a PDU, a state change). */
export const WAIT_MS = Math.round(15_000 * TIMEOUT_SCALE);

/** Mocha timeout of one test: several waits in a row. */
export const TEST_TIMEOUT_MS = 4 * WAIT_MS;
