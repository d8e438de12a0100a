/**
 * How long tests wait. KK_TIMEOUT_SCALE stretches every deadline (slow CI machines); `knockknock run --timeout`
 * sets the run context's testTimeoutMs, the mocha timeout of one test, and no wait inside a test outlasts it.
 */
import { runContext } from '../core/run-context';

export const TIMEOUT_SCALE = Number(process.env.KK_TIMEOUT_SCALE ?? 1) || 1;

/** Mocha timeout of one test (and of a before/after hook): several waits in a row. */
export const TEST_TIMEOUT_MS = runContext().testTimeoutMs || Math.round(60_000 * TIMEOUT_SCALE);

/** Deadline for one awaited condition (a sync, a PDU, a state change). */
export const WAIT_MS = Math.min(Math.round(15_000 * TIMEOUT_SCALE), TEST_TIMEOUT_MS);
