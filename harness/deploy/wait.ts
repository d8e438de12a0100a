/** Polling with a deadline: the one way the deploy code waits for something. */
import { setTimeout as delay } from 'node:timers/promises';
import { NetworkError, safeStringify, send } from '../http';

export async function pollUntil<T>(
  attempt: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.describe()}`);
    await delay(options.intervalMs ?? 200);
  }
}

/** One GET with a short timeout; the status, or the network error text. */
export async function probe(url: string, timeoutMs = 2_000): Promise<{ status?: number; error?: string }> {
  try {
    const response = await send({ method: 'GET', url, timeoutMs, maxResponseBytes: 64 * 1024 });
    if (response.status === 200 && !Array.isArray(response.body?.versions)) {
      return { status: response.status, error: `answered 200 but not with a Matrix versions object: ${safeStringify(response.body ?? '').slice(0, 80)}` };
    }
    return { status: response.status };
  } catch (err) {
    return { error: err instanceof NetworkError ? (err.causeCode ?? err.reason) : String(err) };
  }
}

export async function waitForClientApi(
  clientUrl: string,
  options: { timeoutMs: number; stillRunning?: () => Promise<string | undefined> },
): Promise<void> {
  let last: { status?: number; error?: string } = {};
  await pollUntil(
    async () => {
      const problem = await options.stillRunning?.();
      if (problem) throw new Error(problem);
      last = await probe(`${clientUrl}/_matrix/client/versions`);
      return last.status === 200 && !last.error ? true : undefined;
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: 250,
      describe: () => `${clientUrl}/_matrix/client/versions (last: ${last.status ?? last.error ?? 'no answer'})`,
    },
  );
}
