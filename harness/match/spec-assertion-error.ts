/**
 * The error a `must.*` check throws. Its message starts with the spec rule that was violated, so the
 * first line of a failure says which MUST the homeserver broke.
 */
export class SpecAssertionError extends Error {
  override readonly name = 'AssertionError';
  /** Stable code, undici style: reports group failures by it. */
  readonly code = 'KK_SPEC_VIOLATION';
  readonly showDiff: boolean;

  constructor(
    readonly rule: string,
    message: string,
    readonly actual?: unknown,
    readonly expected?: unknown,
    /** The catalogue clause the check cited, if any. */
    readonly clause?: string,
  ) {
    super(message);
    // Mocha prints a diff only when both sides are given (must.equal); a response dump reads better alone.
    this.showDiff = actual !== undefined && expected !== undefined;
    Error.captureStackTrace?.(this, SpecAssertionError);
  }
}
