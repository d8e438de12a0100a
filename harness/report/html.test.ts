import { expect } from 'chai';
import { renderHtmlReport } from './html';
import { acrossVersions, runOf } from './test-records';

const SUITE = 'Knock auth rules in rooms the HSUT hosts';
const KNOCK_VERSIONS = ['7', '8', '9', '10', '11', '12'];

function run() {
  return runOf([
    ...acrossVersions(
      ['7', '8'],
      SUITE,
      'A knock into a public room is rejected [spec:auth-rules.knock.join-rule-not-knock]',
      'failed',
      (v) => ({ error: { message: `Knock auth rule MUST reject: got 200 in !room${v}:hs <b>` } }),
    ),
    ...acrossVersions(
      ['9', '10', '11', '12'],
      SUITE,
      'A knock into a public room is rejected [spec:auth-rules.knock.join-rule-not-knock]',
      'passed',
    ),
    ...acrossVersions(KNOCK_VERSIONS, SUITE, 'make_knock answers a template [spec:make_knock.template]', 'passed'),
  ]);
}

/** The <td> cells of the coverage row of `clause`, in column order. */
function gridCells(html: string, clause: string): string[] {
  const row = html.split('\n<tr ').find((r) => r.startsWith(`id="clause-${clause}"`)) ?? '';
  return [...row.matchAll(/<td class="cell [^"]*"[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
}

describe('report.html', () => {
  it('is one self-contained page: no external script, style or image', () => {
    const html = renderHtmlReport(run());
    expect(html.startsWith('<!doctype html>')).to.equal(true);
    expect(html).not.to.match(/<script[^>]+src=|<link[^>]+stylesheet|<img /);
    expect(html).to.contain('<span class="count">10 passed</span> <span class="count">2 failed</span>');
  });

  it('links a failing grid cell to the failing test transcript of that room version, a passing one to nothing', () => {
    const html = renderHtmlReport(run());
    const cells = gridCells(html, 'auth-rules.knock.join-rule-not-knock');
    expect(cells).to.have.length(1 + KNOCK_VERSIONS.length);
    expect(cells[0]).to.contain('✗ fail (6)');
    expect(cells[1]).to.match(/^<a class="cell-link" href="transcripts\/[^"]+\.txt"/);
    expect(cells[1]).to.contain('in v7');
    expect(cells[2]).to.contain('in v8');
    expect(cells[1]).not.to.equal(cells[2]);
    expect(cells[3]).to.equal('<span title="1 test">✓</span>');
  });

  it('escapes what the server sent, and gives each test row the attributes the filters read', () => {
    const html = renderHtmlReport(run());
    expect(html).to.contain('got 200 in !room7:hs &lt;b&gt;');
    expect(html).not.to.contain('!room7:hs <b>');
    expect(html).to.match(
      /<tr id="test-[^"]+" class="failed" data-outcome="failed" data-version="7" data-clause="auth-rules.knock.join-rule-not-knock [^"]*"/,
    );
    expect(html).to.contain("npx knockknock run --spec 'suites/example.test.ts' --room-version 7 --fgrep");
  });
});
