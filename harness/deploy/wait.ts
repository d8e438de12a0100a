/** Polling with a deadline: the one way the deploy code waits for something. */
import { readTextCapped } from '../clients/body';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';

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
    const response = await request(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    const text = await readTextCapped(response.body, 64 * 1024);
    if (response.statusCode === 200 && !isVersionsAnswer(text)) {
      return { status: response.statusCode, error: `answered 200 but not with a Matrix versions object: ${text.slice(0, 80)}` };
    }
    return { status: response.statusCode };
  } catch (err) {
    const e = err as { name?: string; code?: string; cause?: { code?: string }; message?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { error: `timed out after ${timeoutMs} ms` };
    return { error: e.cause?.code ?? e.code ?? e.message ?? String(err) };
  }
}

function isVersionsAnswer(text: string): boolean {
  try {
    return Array.isArray((JSON.parse(text) as { versions?: unknown }).versions);
  } catch {
    return false;
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
