/**
 * What a must/should check cites. `spec(id, text)`: a clause of the catalogue (harness/report/spec-clauses.ts)
 * and the sentence that says what exactly is checked; `must.*` takes only MUST-level clauses (a compile error
 * otherwise), `should.*` any. `setup(text)`: a step the test needs that is not the verdict (a room the HSUT must
 * create before anything can be tested); its failure still fails the test.
 *
 * A must check whose clause the judged spec version does not have is "not claimed": it never fails; the test is
 * skipped at that point with the reason, and reported as not claimed.
 */
import {
  findSpecClause,
  clauseClaimedAt,
  describeClauseRange,
  type ClauseId,
  type MustClauseId,
  type SpecClause,
} from '../report/spec-clauses';
import { judgedSpecVersion } from '../core/spec-versions';
import { publishWarning } from './warning-channel';

export interface ClauseRule<Id extends ClauseId = ClauseId> {
  kind: 'clause';
  clause: SpecClause & { id: Id };
  text: string;
}

export interface SetupRule {
  kind: 'setup';
  text: string;
}

export type MustRule = ClauseRule<MustClauseId> | SetupRule;
export type ShouldRule = ClauseRule;

export function spec<Id extends ClauseId>(id: Id, text: string): ClauseRule<Id> {
  const clause = findSpecClause(id);
  if (!clause) throw new Error(`spec(): no clause ${id} in the catalogue`);
  return { kind: 'clause', clause: clause as SpecClause & { id: Id }, text };
}

export function setup(text: string): SetupRule {
  return { kind: 'setup', text };
}

/** The first line of a finding: the rule as the check states it. */
export function ruleText(rule: MustRule | ShouldRule): string {
  // A plain string does not type-check; read one as its text all the same (JavaScript callers).
  if (typeof rule === 'string') return rule;
  return rule.kind === 'setup' ? `setup: ${rule.text}` : rule.text;
}

/** The lines under a finding that cite the spec: clause, level, range, quote and link. */
export function citation(rule: MustRule | ShouldRule): string {
  if (typeof rule === 'string' || rule.kind === 'setup') return '';
  const c = rule.clause;
  return `\n  spec ${c.id} (${c.level}, ${describeClauseRange(c)}): "${c.quote}"\n  ${c.link}`;
}

export function clauseId(rule: MustRule | ShouldRule): string | undefined {
  return typeof rule !== 'string' && rule.kind === 'clause' ? rule.clause.id : undefined;
}

export function isClaimed(rule: MustRule | ShouldRule, version = judgedSpecVersion()): boolean {
  return typeof rule === 'string' || rule.kind === 'setup' || clauseClaimedAt(rule.clause, version);
}

type Skipper = (reason: string) => void;
let skipper: Skipper | undefined;

/** testkit registers how to skip the running test (mocha's this.skip()). */
export function setNotClaimedSkipper(skip: Skipper | undefined): void {
  skipper = skip;
}

export const NOT_CLAIMED_RULE = 'not claimed';

/** A check whose clause is outside the judged version failed: report it as not claimed and stop the test. */
export function notClaimed(rule: ClauseRule, message: string): never {
  const reason = `${rule.clause.id} is ${describeClauseRange(rule.clause)}, not part of the judged spec v${judgedSpecVersion()}: ${message.split('\n')[0]}`;
  publishWarning({ rule: NOT_CLAIMED_RULE, message: reason, notClaimed: true });
  skipper?.(reason);
  // Without a running mocha test (unit tests) there is nothing to skip: stop the caller all the same.
  throw new NotClaimedError(reason);
}

export class NotClaimedError extends Error {
  readonly code = 'KK_NOT_CLAIMED';
}
