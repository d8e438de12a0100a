/**
 * A test all of whose clauses lie outside the judged spec version is not claimed: it is skipped before it starts,
 * with the reason as a note (a test naming no clause always runs).
 */
import type { Context } from 'mocha';
import { NOT_CLAIMED_RULE, publishWarning } from '../match';
import { clauseClaimedAt, describeClauseRange, findSpecClause } from '../report/spec-clauses';
import { judgedSpecVersion } from '../core/spec-versions';
import { parseTitleTags } from '../report/test-id';

/** The reason a test of these clauses is not claimed at `version`, or undefined when it is. */
export function notClaimedReason(clauseIds: string[], version: string): string | undefined {
  const clauses = clauseIds.map(findSpecClause).filter((c) => c !== undefined);
  if (clauses.length === 0 || clauses.some((c) => clauseClaimedAt(c, version))) return undefined;
  return `every rule of the test is outside the judged spec v${version}: ${clauses.map((c) => `${c.id} (${describeClauseRange(c)})`).join(', ')}`;
}

export function skipUnlessClaimed(ctx: Context): void {
  const title = ctx.currentTest?.fullTitle();
  if (!title) return;
  const reason = notClaimedReason(parseTitleTags(title).clauses, judgedSpecVersion());
  if (!reason) return;
  publishWarning({ rule: NOT_CLAIMED_RULE, message: reason, notClaimed: true });
  ctx.skip();
}
