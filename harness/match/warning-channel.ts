/**
 * SHOULD-level findings travel on a diagnostics channel: `should.*` publishes, the reporter attaches each
 * warning to the test running at that moment (or to the test named by testId).
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export const WARNING_CHANNEL = 'knockknock:warning';

export interface SpecWarning {
  /** Set when the publisher knows the test (e.g. forwarded from a parallel worker); else the running test. */
  testId?: string;
  rule: string;
  message: string;
  /** The clause cited, when the check cited one. */
  clause?: string;
  /** Set on the note that a check (or a whole test) is outside the judged spec version. */
  notClaimed?: boolean;
}

const channel = diagnosticsChannel.channel(WARNING_CHANNEL);

export function publishWarning(warning: SpecWarning): void {
  channel.publish(warning);
}

export function subscribeWarnings(listener: (warning: SpecWarning) => void): () => void {
  const onMessage = (message: unknown) => listener(message as SpecWarning);
  channel.subscribe(onMessage);
  return () => channel.unsubscribe(onMessage);
}
