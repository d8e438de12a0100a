/**
 * Waiting for a condition with a deadline, never a fixed sleep: the one polling loop of the harness (deploy's
 * readiness wait and the suites' waits, through testkit). Imports nothing of the project.
 */
import { setTimeout as delay } from 'node:timers/promises';

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
  /**
   * Runs before every attempt; an error it throws ends the wait at once (what is waited on is gone: the HSUT
   * died, its container exited). Errors of the attempt itself only count as "not yet".
   */
  guard?: () => void | Promise<void>;
}

/**
 * Calls `attempt` until it returns something other than undefined, and returns that. On timeout, throws
 * ConditionTimeoutError with the description and what the last attempt saw (`lastSeen`, or its last error).
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions, lastSeen?: () => string): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    await options.guard?.();
    try {
      const result = await attempt();
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
