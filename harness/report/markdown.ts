/**
 * summary.md, fit for $GITHUB_STEP_SUMMARY: totals, then failures, unexpected passes, expected failures and
 * SHOULD warnings — one row per clause and logical test (the same test across room versions), the per-version
 * detail of a failure one click away in <details> — then the spec coverage matrix (catalogue clause × room
 * version; adjacent versions whose column is the same share one). Passing tests appear as counts only, so a
 * green run's summary stays small. Links are relative to the report directory (summary.md sits in it).
 */
import { CELL_SYMBOL, CELL_TEXT, coverageCell, testsFor } from './coverage';
import type { CoverageCell } from './coverage';
import type { TestGroup } from './groups';
import {
  clip,
  compareVersions,
  describeRuns,
  describeRunsWith,
  describeVersions,
  distinctReasons,
  groupOutcomes,
  groupWarnings,
} from './groups';
import { describeServerLine } from './metadata';
import { rerunGroupCommand } from './progress';
import type { RunResult, TestRecord } from './results';
import { SPEC_CLAUSES, describeClauseRange } from './spec-clauses';
import type { SpecClause } from './spec-clauses';
import { countParts, countsPhrase, partialRunNote } from './results';

/** Longest failure message or warning shown in a row; the transcript and report.json have all of it. */
const MESSAGE_CHARS = 240;
const DETAIL_CHARS = 120;
const REASON_CHARS = 280;
const TITLE_CHARS = 110;
const CLAUSE_TITLE_CHARS = 90;

export interface MarkdownOptions {
  catalogue?: readonly SpecClause[];
}

export function renderMarkdownSummary(run: RunResult, options: MarkdownOptions = {}): string {
  const { summary } = run;
  const lines: string[] = [];
  const verdict = summary.runFailures === 0 ? '✅' : '❌';
  // The headline says what the table says, in the same words (results.ts COUNT_WORDS).
  lines.push(`## ${verdict} knockknock: ${countsPhrase(summary)} (${plural(summary.total, 'test')})`, '');
  if (run.specVersion)
    lines.push(`Judged against Matrix spec **v${run.specVersion}**: rules of other releases are "not claimed", never failures.`, '');
  const server = run.metadata?.server;
  if (server || run.metadata) {
    lines.push(
      `${server ? `Server: ${describeServerLine(server)} · ` : ''}knockknock ${run.metadata?.knockknock.version ?? ''}`.trim(),
      '',
    );
  }
  const parts = countParts(summary);
  lines.push(`| ${parts.map((p) => p.heading).join(' | ')} | tests |`);
  lines.push(`|${parts.map(() => '---:|').join('')}---:|`);
  lines.push(`| ${parts.map((p) => p.n).join(' | ')} | ${summary.total} |`, '');
  const partial = partialRunNote(run);
  if (partial) lines.push(`> This is ${partial}: coverage and stale expected failures are partial.`, '');

  lines.push(...renderFailures(groupOutcomes(run.records, 'failed')));
  lines.push(
    ...renderListedGroups(
      'Unexpected passes (remove them from the expected-failures file)',
      groupOutcomes(run.records, 'unexpected-pass'),
      'Listed reason',
    ),
  );
  lines.push(...renderListedGroups('Expected failures', groupOutcomes(run.records, 'xfail'), 'Reason'));
  lines.push(...renderWarnings(groupWarnings(run.records)));
  if (run.staleExpectedFailures.length > 0 && !partial) {
    lines.push('### Expected-failure entries that matched no test', '');
    for (const title of run.staleExpectedFailures) lines.push(`- ${cell(title)}`);
    lines.push('');
  }
  if (run.unknownClauses.length > 0) {
    lines.push(
      `> Titles name clauses missing from the catalogue (harness/report/spec-clauses.ts): ${run.unknownClauses.map((c) => `\`${c}\``).join(', ')}`,
      '',
    );
  }
  lines.push(...renderCoverageMatrix(run.records, options.catalogue ?? SPEC_CLAUSES));
  return `${lines.join('\n')}\n`;
}

function heading(label: string, groups: readonly TestGroup[]): string {
  const runs = groups.reduce((n, g) => n + g.runs.length, 0);
  return `### ${label}: ${plural(groups.length, 'test')} (${plural(runs, 'run')} across room versions)`;
}

/** One <details> per clause and logical test: the line says where and how it failed, the body each version. */
function renderFailures(groups: readonly TestGroup[]): string[] {
  if (groups.length === 0) return [];
  const lines = [heading('❌ Failures', groups), ''];
  for (const group of groups) {
    const first = group.runs[0];
    lines.push(
      `<details><summary>${group.infrastructure ? '⛔ (infrastructure: network error or hook)' : '❌'} ${group.clause ? `<code>${html(group.clause)}</code> — ` : ''}${html(clip(group.title, TITLE_CHARS))}${html(`: ${describeRunsWith('failed', group)}`)} — first failure: ${html(clip(first.message, MESSAGE_CHARS))}</summary>`,
      '',
      `Test: ${cell(group.logicalTitle)}`,
      '',
      '| Room version | Failure | Transcript |',
      '|---|---|---|',
    );
    for (const { record, message } of group.runs) {
      lines.push(
        `| ${record.roomVersion ? `v${record.roomVersion}` : '–'} | ${cell(clip(message, MESSAGE_CHARS))}${record.failedHook ? ` (in ${cell(record.failedHook)})` : ''} | ${transcriptLink(record)} |`,
      );
    }
    lines.push('', `Rerun: \`${rerunGroupCommand(group)}\``, '', '</details>', '');
  }
  return lines;
}

/** Expected failures and unexpected passes: one row per clause and logical test, the listed reason once. */
function renderListedGroups(label: string, groups: readonly TestGroup[], reasonColumn: string): string[] {
  if (groups.length === 0) return [];
  const lines = [heading(label, groups), '', `| Clause | Test | Room versions | ${reasonColumn} | Transcript |`, '|---|---|---|---|---|'];
  groups.forEach((group, i) => {
    const first = group.runs[0].record;
    const link = first.expectedFailure?.link;
    const reasons = sameReasons(group, groups[i - 1])
      ? '(the same as above)'
      : distinctReasons(group)
          .map((reason) => cell(clip(reason, REASON_CHARS)))
          .join(' / ');
    const transcripts = group.runs.map((r) => r.record).filter((r) => r.transcript);
    const more = transcripts.length > 1 ? ` (+${transcripts.length - 1})` : '';
    const transcript =
      transcripts.length === 0
        ? ''
        : `${transcriptLink(transcripts[0], transcripts[0].roomVersion ? `v${transcripts[0].roomVersion}` : 'transcript')}${more}`;
    const linked =
      link && !(sameReasons(group, groups[i - 1]) && groups[i - 1].runs[0].record.expectedFailure?.link === link)
        ? ` ([link](${link}))`
        : '';
    lines.push(
      `| ${clauseCell(group.clause, groups[i - 1])} | ${cell(clip(group.title, TITLE_CHARS))} | ${describeRuns(group)} | ${reasons}${linked} | ${transcript} |`,
    );
  });
  lines.push('');
  return lines;
}

function sameReasons(group: TestGroup, previous: TestGroup | undefined): boolean {
  return previous !== undefined && distinctReasons(previous).join('\n') === distinctReasons(group).join('\n');
}

function renderWarnings(groups: readonly TestGroup[]): string[] {
  if (groups.length === 0) return [];
  const lines = [
    heading('⚠️ SHOULD warnings', groups),
    '',
    '| Clause | Test | Room versions | What the HSUT did (first run) |',
    '|---|---|---|---|',
  ];
  groups.forEach((group, i) => {
    lines.push(
      `| ${clauseCell(group.clause, groups[i - 1])} | ${cell(clip(group.title, TITLE_CHARS))} | ${describeRuns(group)} | ${cell(clip(group.runs[0].detail, DETAIL_CHARS))} |`,
    );
  });
  lines.push('');
  return lines;
}

/**
 * The spec coverage: a clause × room-version grid of the clauses that need a look (a failure, an expected failure,
 * a skip, not claimed), then the passing clauses with their test counts, then the clauses no test covers.
 * Adjacent room versions whose column is the same share one ("v1–v6").
 */
export function renderCoverageMatrix(records: readonly TestRecord[], catalogue: readonly SpecClause[] = SPEC_CLAUSES): string[] {
  const versions = [...new Set(records.map((r) => r.roomVersion).filter((v): v is string => v !== undefined))].sort(compareVersions);
  const rows = catalogue.map((clause) => ({
    clause,
    overall: coverageCell(records, clause),
    cells: versions.map((v) => coverageCell(records, clause, v)),
    tests: testsFor(records, clause).length,
  }));
  const links = new ReferenceLinks('spec');
  const count = (cell: CoverageCell) => rows.filter((r) => r.overall === cell).length;
  const uncovered = count('not-covered');
  const counts = (['pass', 'xfail', 'fail', 'skipped', 'not-claimed'] as const)
    .filter((c) => count(c) > 0)
    .map((c) => `${CELL_SYMBOL[c]} ${count(c)}`);
  const lines = [
    `### Spec coverage: ${catalogue.length - uncovered} of ${catalogue.length} clauses covered (${counts.join(' · ')}${uncovered ? ` · ⬜ ${uncovered} not covered` : ''})`,
    '',
  ];

  const attention = rows.filter((r) => r.overall !== 'pass' && r.overall !== 'not-covered');
  if (attention.length > 0) {
    const grid = attention.map((r) => r.cells);
    // Adjacent versions with the same cell for every listed clause share a column ("v7–v9").
    const columns: Array<{ versions: string[]; index: number }> = [];
    versions.forEach((version, index) => {
      const last = columns.at(-1);
      if (last && grid.every((cells) => cells[last.index] === cells[index])) last.versions.push(version);
      else columns.push({ versions: [version], index });
    });
    lines.push(
      `| Clause | Level | Spec | All versions |${columns.map((c) => ` ${describeVersions(c.versions)} |`).join('')}`,
      `|---|---|---|---|${columns.map(() => '---|').join('')}`,
    );
    for (const r of attention) {
      lines.push(
        `| ${links.named(`\`${r.clause.id}\``, r.clause.link)} ${cell(clip(r.clause.title, CLAUSE_TITLE_CHARS))} | ${r.clause.level} | ${describeClauseRange(r.clause)} | ${CELL_TEXT[r.overall]} (${r.tests}) |${columns.map((c) => ` ${CELL_SYMBOL[r.cells[c.index]]} |`).join('')}`,
      );
    }
    lines.push('');
  }

  const passing = rows.filter((r) => r.overall === 'pass');
  if (passing.length > 0) {
    lines.push('✅ **Passed** (number of tests; the room versions when not every one that applies was tested):', '');
    const byArea = new Map<string, string[]>();
    for (const r of passing) {
      const tested = versions.filter((_, i) => r.cells[i] !== 'n/a' && r.cells[i] !== 'not-covered');
      const applicable = versions.filter((_, i) => r.cells[i] !== 'n/a');
      const where = tested.length > 0 && tested.length < applicable.length ? `, ${describeVersions(tested)}` : '';
      byArea.set(r.clause.area, [...(byArea.get(r.clause.area) ?? []), `\`${r.clause.id}\` ${r.tests}${where}`]);
    }
    for (const [area, entries] of byArea) lines.push(`- ${area}: ${entries.join(' · ')}`);
    lines.push('');
  }

  const notCovered = rows.filter((r) => r.overall === 'not-covered');
  if (notCovered.length > 0) {
    // Ids only: the catalogue (harness/report/spec-clauses.ts, `knockknock list`) has their text and links.
    lines.push(
      `⬜ **Not covered** by a test title of this run (${notCovered.length}): ${notCovered.map((r) => `\`${r.clause.id}\``).join(', ')}`,
      '',
    );
  }
  lines.push(
    'Cells: ❌ a test of the clause failed (or passed unexpectedly), else ⚠️ one is an expected failure, else ✅ passed; ⏭️ skipped, ◻️ not claimed at the judged release, ⬜ not covered; n/a: the clause cannot apply to that room version (no knocking before v7, or the catalogue says so).',
    '',
    ...links.definitions(),
  );
  return lines;
}

/** Reference-style links, one definition per distinct URL (many clauses link the same spec section). */
class ReferenceLinks {
  private readonly labels = new Map<string, string>();
  constructor(private readonly prefix: string) {}

  named(text: string, url: string): string {
    let label = this.labels.get(url);
    if (!label) {
      label = `${this.prefix}${this.labels.size + 1}`;
      this.labels.set(url, label);
    }
    return `[${text}][${label}]`;
  }

  definitions(): string[] {
    return this.labels.size === 0 ? [] : [...[...this.labels].map(([url, label]) => `[${label}]: ${url}`), ''];
  }
}

function transcriptLink(record: TestRecord, label = 'transcript'): string {
  return record.transcript ? `[${label}](${encodeURI(record.transcript)})` : '';
}

/** A clause cell, left empty when the row above names the same clause (groups are sorted by clause). */
function clauseCell(clause: string, previous?: TestGroup): string {
  if (previous && previous.clause === clause) return '';
  return clause ? `\`${clause}\`` : '–';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function html(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
