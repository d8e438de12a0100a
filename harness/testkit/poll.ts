/** Waiting for a condition with a deadline, never a fixed sleep: core's pollUntil, stopped at once when the HSUT died. */
import { pollUntil as poll, type PollOptions as CorePollOptions } from '../core/poll';
import { throwIfHsutDied } from './hsut-death';

export { ConditionTimeoutError } from '../core/poll';

export type PollOptions = Omit<CorePollOptions, 'guard'>;

/**
 * Calls `probe` until it returns something other than undefined, and returns that. On timeout, throws with the
 * description and what the last attempt saw (`lastSeen` of the probe's last call, or its last error). A dead HSUT
 * never satisfies the condition: the wait stops with HsutDiedError instead of running to its deadline.
 */
export function pollUntil<T>(probe: () => Promise<T | undefined>, options: PollOptions, lastSeen?: () => string): Promise<T> {
  return poll(probe, { ...options, guard: throwIfHsutDied }, lastSeen);
}
