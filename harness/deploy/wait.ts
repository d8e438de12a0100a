/** Waiting for the HSUT: the readiness probe and the wait until its client API answers (core's pollUntil). */
import { pollUntil } from '../core/poll';
import { NetworkError, safeStringify, send } from '../http';

/** One GET with a short timeout; the status, or the network error text. */
export async function probe(url: string, timeoutMs = 2_000): Promise<{ status?: number; error?: string }> {
  try {
    const response = await send({ method: 'GET', url, timeoutMs, maxResponseBytes: 64 * 1024 });
    if (response.status === 200 && !Array.isArray(response.body?.versions)) {
      return {
        status: response.status,
        error: `answered 200 but not with a Matrix versions object: ${safeStringify(response.body ?? '').slice(0, 80)}`,
      };
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
      last = await probe(`${clientUrl}/_matrix/client/versions`);
      return last.status === 200 && !last.error ? true : undefined;
    },
    {
      timeoutMs: options.timeoutMs,
      // A refused connection costs a millisecond: polling often lets the run start as soon as the HSUT listens.
      intervalMs: 50,
      description: `${clientUrl}/_matrix/client/versions`,
      guard: async () => {
        const problem = await options.stillRunning?.();
        if (problem) throw new Error(problem);
      },
    },
    () => `last: ${last.status ?? last.error ?? 'no answer'}`,
  );
}
