/**
 * report.html: one self-contained page (inline style and script, no fetches) for a person at a browser. The spec
 * coverage as a clause × room-version grid whose failing cells link to the failing test's transcript, then every
 * test of the run, both filtered by clause, status and room version. Links are relative to the report directory.
 */
import { coverageCell, testsFor } from './coverage';
import type { CoverageCell } from './coverage';
import { clip, compareVersions } from './groups';
import { describeServerLine } from './metadata';
import { rerunCommand } from './progress';
import type { RunResult, TestRecord } from './results';
import { STATUS_LABELS, countParts, countsPhrase, partialRunNote } from './results';
import { isRunFailure } from './expected-failures';
import { SPEC_CLAUSES, describeClauseRange } from './spec-clauses';
import type { SpecClause } from './spec-clauses';

export interface HtmlOptions {
  catalogue?: readonly SpecClause[];
}

/** Text symbols rather than emoji: a browser without an emoji font (a headless CI machine) still shows them. */
const CELL_SYMBOL: Record<CoverageCell, string> = {
  pass: '✓',
  fail: '✗',
  xfail: '⚠',
  skipped: '»',
  'not-claimed': '○',
  'not-covered': '·',
  'n/a': 'n/a',
};

const CELL_TEXT: Record<CoverageCell, string> = {
  pass: '✓ pass',
  fail: '✗ fail',
  xfail: '⚠ expected failure',
  skipped: '» skipped',
  'not-claimed': '○ not claimed',
  'not-covered': '· not covered',
  'n/a': 'n/a',
};

const STATUS_ORDER: readonly TestRecord['outcome'][] = ['failed', 'unexpected-pass', 'xfail', 'passed', 'skipped', 'not-claimed'];
const MESSAGE_CHARS = 600;

export function renderHtmlReport(run: RunResult, options: HtmlOptions = {}): string {
  const catalogue = options.catalogue ?? SPEC_CLAUSES;
  const versions = [...new Set(run.records.map((r) => r.roomVersion).filter((v): v is string => v !== undefined))].sort(compareVersions);
  const counts = countParts(run.summary)
    .filter((p, i) => i < 2 || p.n > 0)
    .map((p) => `<span class="count">${p.n} ${esc(p.label)}</span>`)
    .join(' ');
  const server = run.metadata?.server ? describeServerLine(run.metadata.server) : undefined;
  const partial = partialRunNote(run);
  const facts = [
    server ? `Server: ${esc(server)}` : undefined,
    run.specVersion ? `judged against spec v${esc(run.specVersion)}` : undefined,
    run.metadata?.knockknock ? `knockknock ${esc(run.metadata.knockknock.version)}` : undefined,
    `${new Date(run.startedAt).toISOString()}, ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s`,
    partial ? `${esc(partial)}: coverage is partial` : undefined,
  ].filter(Boolean);
  const statuses = STATUS_ORDER.filter((s) => run.records.some((r) => r.outcome === s));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>knockknock: ${esc(countsPhrase(run.summary))}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>knockknock report</h1>
<p id="counts">${counts}</p>
<p class="facts">${facts.join(' · ')}</p>
</header>
<form id="filters" onsubmit="return false">
<label>Clause <input id="filter-clause" type="search" placeholder="id or words, e.g. auth.knock"></label>
<label>Status <select id="filter-status"><option value="">all</option>${statuses
    .map((s) => `<option value="${s}">${esc(STATUS_LABELS[s])}</option>`)
    .join('')}<option value="warning">with a SHOULD warning</option></select></label>
<label>Room version <select id="filter-version"><option value="">all</option>${versions
    .map((v) => `<option value="${esc(v)}">v${esc(v)}</option>`)
    .join('')}</select></label>
<span id="shown"></span>
</form>
<h2>Spec coverage</h2>
${renderGrid(run.records, catalogue, versions)}
<p class="legend">${(['fail', 'xfail', 'pass', 'skipped', 'not-claimed', 'not-covered'] as const)
    .map((c) => esc(CELL_TEXT[c]))
    .join(' · ')} · n/a: cannot apply to that room version. A failing cell links to the first failing test's transcript.</p>
<h2>Tests</h2>
${renderTests(run.records, catalogue)}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function renderGrid(records: readonly TestRecord[], catalogue: readonly SpecClause[], versions: readonly string[]): string {
  const rows = catalogue.map((clause) => {
    const tests = testsFor(records, clause);
    const overall = coverageCell(tests, clause);
    const cells = versions.map((version) => {
      const cell = coverageCell(tests, clause, version);
      const here = tests.filter((r) => r.roomVersion === version);
      return `<td class="cell ${cellClass(cell)}" data-version="${esc(version)}">${cellContent(cell, here, clause, version)}</td>`;
    });
    const outcomes = [...new Set(tests.map((r) => r.outcome))].join(' ');
    return `<tr id="clause-${esc(clause.id)}" data-clause="${esc(`${clause.id} ${clause.title}`.toLowerCase())}" data-outcomes="${outcomes}" data-warnings="${tests.some((r) => r.warnings.length > 0) ? 'yes' : 'no'}">
<th scope="row"><a href="${esc(clause.link)}"><code>${esc(clause.id)}</code></a><div class="clause-title">${esc(clause.title)}</div></th>
<td>${esc(clause.level)}</td><td>${esc(describeClauseRange(clause))}</td><td class="cell ${cellClass(overall)}">${esc(CELL_TEXT[overall])} (${tests.length})</td>${cells.join('')}</tr>`;
  });
  return `<table id="coverage">
<thead><tr><th>Clause</th><th>Level</th><th>Spec</th><th>All versions</th>${versions.map((v) => `<th data-version="${esc(v)}">v${esc(v)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** A failing or expected-failure cell links to the first such test's transcript (else to its row below). */
function cellContent(cell: CoverageCell, tests: readonly TestRecord[], clause: SpecClause, version: string): string {
  const symbol = esc(CELL_SYMBOL[cell]);
  const target =
    cell === 'fail' ? tests.find((r) => isRunFailure(r.outcome)) : cell === 'xfail' ? tests.find((r) => r.outcome === 'xfail') : undefined;
  if (!target) {
    return tests.length > 0 ? `<span title="${tests.length} test${tests.length === 1 ? '' : 's'}">${symbol}</span>` : symbol;
  }
  const href = target.transcript ? encodeURI(target.transcript) : `#test-${target.id}`;
  const label = `${CELL_TEXT[cell]}: ${clause.id} in v${version}: ${target.title}`;
  return `<a class="cell-link" href="${esc(href)}" title="${esc(label)}">${symbol}</a>`;
}

function renderTests(records: readonly TestRecord[], catalogue: readonly SpecClause[]): string {
  const titles = new Map(catalogue.map((c) => [c.id, c.title]));
  const sorted = [...records].sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.outcome) - STATUS_ORDER.indexOf(b.outcome) ||
      a.logicalId.localeCompare(b.logicalId) ||
      compareVersions(a.roomVersion ?? '', b.roomVersion ?? ''),
  );
  const rows = sorted.map((r) => {
    const detail = r.error?.message ?? r.expectedFailure?.reason ?? '';
    const warnings = r.warnings.map((w) => `<div class="warning">SHOULD: ${esc(clip(w.message, MESSAGE_CHARS))}</div>`).join('');
    const links = [
      r.transcript ? `<a href="${esc(encodeURI(r.transcript))}">transcript</a>` : '',
      isRunFailure(r.outcome) ? `<div class="rerun"><code>${esc(rerunCommand(r))}</code></div>` : '',
    ].join('');
    return `<tr id="test-${esc(r.id)}" class="${r.outcome}" data-outcome="${r.outcome}" data-version="${esc(r.roomVersion ?? '')}" data-clause="${esc(
      r.clauses
        .map((c) => `${c} ${titles.get(c) ?? ''}`)
        .join(' ')
        .toLowerCase(),
    )}" data-warnings="${r.warnings.length > 0 ? 'yes' : 'no'}">
<td>${esc(STATUS_LABELS[r.outcome])}</td><td>${r.roomVersion ? `v${esc(r.roomVersion)}` : ''}</td><td>${r.clauses.map((c) => `<code>${esc(c)}</code>`).join(' ')}</td><td>${esc(r.title)}${detail ? `<div class="detail">${esc(clip(detail, MESSAGE_CHARS))}</div>` : ''}${warnings}</td><td>${r.durationMs !== undefined ? `${r.durationMs} ms` : ''}</td><td>${links}</td></tr>`;
  });
  return `<table id="tests">
<thead><tr><th>Status</th><th>Room version</th><th>Clauses</th><th>Test</th><th>Time</th><th></th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function cellClass(cell: CoverageCell): string {
  return cell === 'n/a' ? 'na' : cell;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b}
h1{font-size:1.4em;margin:0}h2{font-size:1.15em;margin:1.2em 0 .4em}
.count{display:inline-block;padding:.1em .6em;margin-right:.3em;border-radius:1em;background:#eee}
.facts,.legend{color:#555}
#filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;display:flex;gap:1.2em;align-items:center;flex-wrap:wrap}
#shown{color:#555}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ddd;padding:.25em .45em;vertical-align:top;text-align:left}
thead th{background:#f4f4f4;position:sticky;top:2.6em}
td.cell{text-align:center;white-space:nowrap}
td.fail{background:#fde2e1;color:#b00020;font-weight:bold}td.xfail{background:#fff4d6}td.pass{background:#e6f6e6}td.na{color:#999}
.cell-link{text-decoration:none;display:block}
.clause-title{font-weight:normal;color:#555;font-size:.9em}
tr.failed td:first-child,tr.unexpected-pass td:first-child{color:#b00020;font-weight:bold}
.detail{color:#444;font-size:.9em;white-space:pre-wrap}.warning{color:#8a5a00;font-size:.9em}
.rerun code{font-size:.85em;user-select:all}
.hidden{display:none}
`;

/** Filtering: rows and room-version columns get .hidden; the counts of what is shown sit beside the filters. */
const SCRIPT = `
(function () {
  var clause = document.getElementById('filter-clause');
  var status = document.getElementById('filter-status');
  var version = document.getElementById('filter-version');
  var shown = document.getElementById('shown');
  function keep(row, s) {
    if (!s) return true;
    if (s === 'warning') return row.dataset.warnings === 'yes';
    return (' ' + (row.dataset.outcomes || row.dataset.outcome) + ' ').indexOf(' ' + s + ' ') >= 0;
  }
  function apply() {
    var c = clause.value.trim().toLowerCase(), s = status.value, v = version.value;
    var clauses = 0, tests = 0;
    document.querySelectorAll('#coverage tbody tr').forEach(function (row) {
      var on = row.dataset.clause.indexOf(c) >= 0 && keep(row, s);
      row.classList.toggle('hidden', !on);
      if (on) clauses++;
    });
    document.querySelectorAll('#coverage [data-version]').forEach(function (cell) {
      cell.classList.toggle('hidden', v !== '' && cell.dataset.version !== v);
    });
    document.querySelectorAll('#tests tbody tr').forEach(function (row) {
      var on = row.dataset.clause.indexOf(c) >= 0 && keep(row, s) && (v === '' || row.dataset.version === v);
      row.classList.toggle('hidden', !on);
      if (on) tests++;
    });
    shown.textContent = 'showing ' + clauses + ' clauses, ' + tests + ' tests';
  }
  [clause, status, version].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  apply();
})();
`;
