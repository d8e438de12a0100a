/** A problem the user fixes (bad flag, no Docker engine, unreachable URL): printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}
