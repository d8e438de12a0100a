/** Reading response bodies without trusting their size: a hostile or broken server cannot flood the harness. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  readonly code = 'KK_RESPONSE_TOO_LARGE';
}

/** The body as text; throws ResponseTooLargeError (and stops reading) once it passes `maxBytes`. */
export async function readTextCapped(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (error?: Error) => unknown },
  maxBytes = MAX_RESPONSE_BYTES,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      const error = new ResponseTooLargeError(`response body larger than ${maxBytes} bytes; reading stopped`);
      body.destroy?.(error);
      throw error;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
