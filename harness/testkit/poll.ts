/** Waiting for a condition with a deadline, never a fixed sleep. */
import { setTimeout as delay } from 'node:timers/promises';
import { throwIfHsutDied } from './hsut-death';

export class ConditionTimeoutError extends Error {
  readonly code = 'KK_CONDITION_TIMEOUT';
  override name = 'ConditionTimeoutError';
}

export interface PollOptions {
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  description: string;
  /** Pause between attempts (default 100 ms): the HSUT gets no push channel for this, so polling is the condition. */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than undefined, and returns that. On timeout, throws with the
 * description and what the last attempt saw (`lastSeen` of the probe's last call, or its last error).
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, options: PollOptions, lastSeen?: () => string): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    throwIfHsutDied(); // a dead HSUT never satisfies the condition: stop now, not at the deadline
    try {
      const result = await probe();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await delay(Math.min(options.intervalMs ?? 100, Math.max(0, deadline - Date.now())));
  }
  const seen = lastSeen?.() ?? (lastError instanceof Error ? `last error: ${lastError.message}` : 'nothing');
  throw new ConditionTimeoutError(`timed out after ${options.timeoutMs} ms waiting for ${options.description}; ${seen}`);
}
