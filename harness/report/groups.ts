/**
 * Grouping for readers: one logical test is the same test across room versions (its title without the `[vN]`
 * tags), and a clause groups its tests. The console recap and summary.md list failures, expected failures and
 * warnings as one line per (clause, logical test): "failed in v7–v12 (6) — first failure: …".
 */
import { ROOM_VERSIONS } from '../core/room-versions';
import type { SpecWarning } from '../match/warning-channel';
import type { TestRecord } from './results';
import { isInfrastructureFailure } from './results';
import { SPEC_CLAUSES } from './spec-clauses';
import { logicalTitle, plainTitle } from './test-id';
import { firstLine } from './transcript';

export type GroupKind = 'failed' | 'unexpected-pass' | 'xfail' | 'warning';

export interface RunOfGroup {
  record: TestRecord;
  /** The first line of the failure message or the warning, or (unexpected pass) the listed reason. */
  message: string;
  /** The message without the rule it starts with (what the HSUT did), when it starts with one. */
  detail: string;
}

export interface TestGroup {
  kind: GroupKind;
  /** The clause the failure or warning cited (else the test's first clause; '' when it names none). */
  clause: string;
  logicalId: string;
  /** The full title without room-version tags. */
  logicalTitle: string;
  /** The test's own title without tags, for one-line display. */
  title: string;
  /** One entry per run (room version), in room version order. */
  runs: RunOfGroup[];
  /** Room versions of the runs (records without a version tag are left out). */
  versions: string[];
  /** Some run failed for the infrastructure (network error against the HSUT, a hook), not on a check. */
  infrastructure: boolean;
}

const KNOWN_VERSIONS = Object.keys(ROOM_VERSIONS);
const CLAUSE_ORDER = new Map(SPEC_CLAUSES.map((c, i) => [c.id, i]));

export function compareVersions(a: string, b: string): number {
  const ia = KNOWN_VERSIONS.indexOf(a);
  const ib = KNOWN_VERSIONS.indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0 || ib >= 0) return ia >= 0 ? -1 : 1;
  const na = Number(a);
  const nb = Number(b);
  return Number.isNaN(na) || Number.isNaN(nb) ? a.localeCompare(b) : na - nb;
}

/**
 * Room versions as ranges over the known version order: ['7','8','9'] → "v7–v9", ['7','9'] → "v7, v9".
 * A range never spans a version that is not in the list.
 */
export function describeVersions(versions: readonly string[]): string {
  const sorted = [...new Set(versions)].sort(compareVersions);
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    const prev = KNOWN_VERSIONS.indexOf(sorted[i - 1]);
    const next = i < sorted.length ? KNOWN_VERSIONS.indexOf(sorted[i]) : -2;
    if (prev >= 0 && next === prev + 1) continue;
    parts.push(i - 1 === start ? `v${sorted[start]}` : `v${sorted[start]}–v${sorted[i - 1]}`);
    start = i;
  }
  return parts.join(', ');
}

/** "v7–v12 (6)", or "(1)" for a test without a room version. */
export function describeRuns(group: Pick<TestGroup, 'runs' | 'versions'>): string {
  const versions = describeVersions(group.versions);
  return versions ? `${versions} (${group.runs.length})` : `(${group.runs.length})`;
}

/** "failed in v7–v12 (6)", or "failed (1)" for a test without a room version. */
export function describeRunsWith(verb: string, group: Pick<TestGroup, 'runs' | 'versions'>): string {
  return group.versions.length > 0 ? `${verb} in ${describeRuns(group)}` : `${verb} ${describeRuns(group)}`;
}

/** The clause a failure is about: the one the failing check cited, else the title's first. */
export function clauseOfFailure(record: TestRecord): string {
  return record.error?.clause ?? record.clauses[0] ?? '';
}

export function clauseOfWarning(record: TestRecord, warning: SpecWarning): string {
  return warning.clause ?? record.clauses[0] ?? '';
}

/** Failures (or expected failures, or unexpected passes) grouped by clause and logical test. */
export function groupOutcomes(records: readonly TestRecord[], kind: Exclude<GroupKind, 'warning'>): TestGroup[] {
  const runs = records
    .filter((r) => r.outcome === kind)
    .map((record) => {
      const message =
        kind === 'unexpected-pass'
          ? `passed, but listed as an expected failure: ${record.expectedFailure?.reason ?? ''}`
          : firstLine(record.error?.message ?? (record.failedHook ? `${record.failedHook} failed` : 'failed'));
      return { record, clause: clauseOfFailure(record), message, detail: withoutRule(message, record.error?.rule) };
    });
  return build(kind, runs);
}

/** Warnings (SHOULD-level, not the not-claimed notes) grouped by clause and logical test. */
export function groupWarnings(records: readonly TestRecord[]): TestGroup[] {
  const runs = records.flatMap((record) => {
    // A test that warns twice under one clause counts once per run; its first warning speaks for it.
    const seen = new Set<string>();
    return record.warnings
      .filter((w) => !w.notClaimed)
      .flatMap((warning) => {
        const clause = clauseOfWarning(record, warning);
        if (seen.has(clause)) return [];
        seen.add(clause);
        const message = firstLine(warning.message);
        return [{ record, clause, message, detail: withoutRule(message, warning.rule) }];
      });
  });
  return build('warning', runs);
}

function build(kind: GroupKind, runs: Array<RunOfGroup & { clause: string }>): TestGroup[] {
  const groups = new Map<string, TestGroup>();
  for (const { record, clause, message, detail } of runs) {
    const key = `${clause}\u0000${record.logicalId}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        kind,
        clause,
        logicalId: record.logicalId,
        logicalTitle: logicalTitle(record.fullTitle),
        title: plainTitle(logicalTitle(record.title)),
        runs: [],
        versions: [],
        infrastructure: false,
      };
      groups.set(key, group);
    }
    group.runs.push({ record, message, detail });
    if (kind === 'failed' && isInfrastructureFailure(record)) group.infrastructure = true;
    if (record.roomVersion !== undefined) group.versions.push(record.roomVersion);
  }
  for (const group of groups.values()) {
    group.runs.sort(
      (a, b) => compareVersions(a.record.roomVersion ?? '', b.record.roomVersion ?? '') || a.record.startedAt - b.record.startedAt,
    );
    group.versions.sort(compareVersions);
  }
  return [...groups.values()].sort(
    (a, b) =>
      clauseRank(a.clause) - clauseRank(b.clause) ||
      a.clause.localeCompare(b.clause) ||
      a.runs[0].record.startedAt - b.runs[0].record.startedAt,
  );
}

function withoutRule(message: string, rule: string | undefined): string {
  return rule && message.startsWith(`${rule}: `) ? message.slice(rule.length + 2) : message;
}

function clauseRank(clause: string): number {
  return CLAUSE_ORDER.get(clause) ?? Number.MAX_SAFE_INTEGER;
}

/** Cuts a one-line text to `max` characters, ending with "…" when cut. */
export function clip(text: string, max: number): string {
  const line = firstLine(text);
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The reason of an expected-failure group, once: the first run's, or each distinct one when they differ other
 * than in the room version they name.
 */
export function distinctReasons(group: TestGroup): string[] {
  const reasons = new Map<string, string>();
  for (const { record } of group.runs) {
    const reason = record.expectedFailure?.reason;
    if (!reason) continue;
    const key = reason.replace(/\b(room )?(version|v)\s*\d+\b/gi, '#');
    if (!reasons.has(key)) reasons.set(key, reason);
  }
  return [...reasons.values()];
}
