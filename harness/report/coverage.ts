/**
 * The spec coverage cell of a clause, overall or at one room version, from the run's records: what summary.md's
 * matrix and report.html's grid both show.
 */
import { ROOM_VERSIONS } from '../core/room-versions';
import type { Outcome } from './expected-failures';
import type { TestRecord } from './results';
import type { SpecClause } from './spec-clauses';

export type CoverageCell = 'pass' | 'fail' | 'xfail' | 'skipped' | 'not-claimed' | 'not-covered' | 'n/a';

export const CELL_TEXT: Record<CoverageCell, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  xfail: '⚠️ expected failure',
  skipped: '⏭️ skipped',
  'not-claimed': '◻️ not claimed',
  'not-covered': '⬜ not covered',
  'n/a': 'n/a',
};

/** Per-version cells: the symbol only (the legend under the matrix names them). */
export const CELL_SYMBOL: Record<CoverageCell, string> = {
  pass: '✅',
  fail: '❌',
  xfail: '⚠️',
  skipped: '⏭️',
  'not-claimed': '◻️',
  'not-covered': '⬜',
  'n/a': 'n/a',
};

export function coverageCell(records: readonly TestRecord[], clause: SpecClause, version?: string): CoverageCell {
  const tests = testsFor(records, clause).filter((r) => version === undefined || r.roomVersion === version);
  if (version !== undefined && !clauseApplies(clause, version, tests.length > 0)) return 'n/a';
  const outcomes = new Set<Outcome>(tests.map((r) => r.outcome));
  if (outcomes.has('failed') || outcomes.has('unexpected-pass')) return 'fail';
  if (outcomes.has('xfail')) return 'xfail';
  if (outcomes.has('passed')) return 'pass';
  if (outcomes.has('skipped')) return 'skipped';
  if (outcomes.has('not-claimed')) return 'not-claimed';
  return 'not-covered';
}

/**
 * Whether a clause can apply to a room version: the catalogue's appliesTo where it has one; otherwise the
 * clause is about knocking, which room versions without it cannot have — unless a test checked it there.
 */
function clauseApplies(clause: SpecClause, version: string, tested: boolean): boolean {
  if (clause.appliesTo) return clause.appliesTo.includes(version);
  if (tested) return true;
  const roomVersion = Object.prototype.hasOwnProperty.call(ROOM_VERSIONS, version) ? ROOM_VERSIONS[version] : undefined;
  return roomVersion?.knockAllowed ?? true;
}

export function testsFor(records: readonly TestRecord[], clause: SpecClause): TestRecord[] {
  return records.filter((r) => r.clauses.includes(clause.id));
}
