import { expect } from 'chai';
import { renderMarkdownSummary } from './markdown';
import { acrossVersions, record, runOf } from './test-records';

const SUITE = 'Knock auth rules in rooms the HSUT hosts';
const KNOCK_VERSIONS = ['7', '8', '9', '10', '11', '12'];
const PRE_KNOCK = ['1', '2', '3', '4', '5', '6'];

function failingRun() {
  return runOf([
    ...acrossVersions(
      KNOCK_VERSIONS,
      SUITE,
      'A knock into a public room is rejected [spec:auth-rules.knock.join-rule-not-knock]',
      'failed',
      (v) => ({
        error: {
          message: `Knock auth rule i MUST reject: got 200 in !room${v}:hs`,
          rule: 'Knock auth rule i MUST reject',
          clause: 'auth-rules.knock.join-rule-not-knock',
        },
      }),
    ),
    ...acrossVersions(KNOCK_VERSIONS, SUITE, 'make_knock answers a template [spec:make_knock.template]', 'passed'),
    ...acrossVersions(PRE_KNOCK, SUITE, 'A knock in an old room is refused [spec:room-versions.knock-refused-before-v7]', 'xfail', (v) => ({
      expectedFailure: { reason: `Synapse answers 500 in room version ${v}`, link: 'https://example.org/xfail' },
    })),
    ...acrossVersions(KNOCK_VERSIONS, SUITE, 'A banned knock carries M_FORBIDDEN [spec:client.knock-forbidden]', 'passed', () => ({
      warnings: [
        {
          rule: 'A refused knock answers M_FORBIDDEN',
          message: 'A refused knock answers M_FORBIDDEN: got 403 M_BAD_STATE\n  spec …',
          clause: 'client.knock-forbidden',
        },
      ],
    })),
  ]);
}

describe('summary.md', () => {
  it('shows a failing logical test once, with the room versions and the first failure, and each version in <details>', () => {
    const markdown = renderMarkdownSummary(failingRun());
    expect(markdown).to.contain('### ❌ Failures: 1 test (6 runs across room versions)');
    const summaries = markdown.split('\n').filter((line) => line.startsWith('<details><summary>'));
    expect(summaries).to.have.length(1);
    expect(summaries[0]).to.contain(
      '<code>auth-rules.knock.join-rule-not-knock</code> — A knock into a public room is rejected: failed in v7–v12 (6) — first failure: Knock auth rule i MUST reject: got 200 in !room7:hs',
    );
    for (const v of KNOCK_VERSIONS)
      expect(markdown).to.contain(`| v${v} | Knock auth rule i MUST reject: got 200 in !room${v}:hs | [transcript](transcripts/`);
    expect(markdown).to.contain(
      "Rerun: `npx knockknock run --spec 'suites/example.test.ts' --room-version 7,8,9,10,11,12 --fgrep 'A knock into a public room is rejected [spec:auth-rules.knock.join-rule-not-knock]'`",
    );
    expect(markdown).not.to.contain(process.cwd());
  });

  it('lists an expected failure once per logical test with its reason once, and warnings per clause and test', () => {
    const markdown = renderMarkdownSummary(failingRun());
    expect(markdown).to.contain('### Expected failures: 1 test (6 runs across room versions)');
    expect(markdown.match(/Synapse answers 500 in room version/g)).to.have.length(1);
    expect(markdown).to.match(
      /\| `room-versions.knock-refused-before-v7` \| A knock in an old room is refused \| v1–v6 \(6\) \| Synapse answers 500 in room version 1 \(\[link\]\(https:\/\/example.org\/xfail\)\) \| \[v1\]\(transcripts\/[^)]+\.txt\) \(\+5\) \|/,
    );
    expect(markdown).to.contain('### ⚠️ SHOULD warnings: 1 test (6 runs across room versions)');
    expect(markdown).to.contain('| `client.knock-forbidden` | A banned knock carries M_FORBIDDEN | v7–v12 (6) | got 403 M_BAD_STATE |');
  });

  it('marks clauses that cannot apply to a room version n/a, merges equal version columns, and lists passing clauses as counts', () => {
    const lines = renderMarkdownSummary(failingRun()).split('\n');
    const header = lines.find((l) => l.startsWith('| Clause | Level | Spec | All versions |'));
    expect(header).to.equal('| Clause | Level | Spec | All versions | v1–v6 | v7–v12 |');
    const row = (id: string) => lines.find((l) => l.startsWith(`| [\`${id}\`]`)) ?? '';
    expect(row('auth-rules.knock.join-rule-not-knock')).to.match(/❌ fail \(6\) \| n\/a \| ❌ \|$/);
    expect(row('room-versions.knock-refused-before-v7')).to.match(/⚠️ expected failure \(6\) \| ⚠️ \| n\/a \|$/);
    expect(lines.join('\n')).not.to.contain('not covered |');
    expect(lines.find((l) => l.startsWith('- make_knock:'))).to.equal('- make_knock: `make_knock.template` 6');
    expect(lines.find((l) => l.startsWith('⬜ **Not covered**'))).to.contain('`sync.knock-section`');
    // reference links: one definition per URL
    const definitions = lines.filter((l) => /^\[spec\d+\]: https:/.test(l));
    expect(new Set(definitions.map((d) => d.split(': ')[1])).size).to.equal(definitions.length);
  });

  it('stays small for a green run of many tests', () => {
    const records = [];
    for (let i = 0; i < 150; i++)
      records.push(...acrossVersions(KNOCK_VERSIONS, SUITE, `passing test number ${i} [spec:make_knock.template]`, 'passed'));
    const markdown = renderMarkdownSummary(runOf(records));
    expect(Buffer.byteLength(markdown)).to.be.lessThan(6_000);
    expect(markdown).not.to.contain('passing test number');
  });

  it('keeps a test without room version apart and names no version for it', () => {
    const markdown = renderMarkdownSummary(
      runOf([
        record(SUITE, 'unknown room answers 404 [spec:make_knock.unknown-room]', 'failed', {
          error: { message: 'make_knock MUST answer 404: got 500' },
        }),
      ]),
    );
    expect(markdown).to.contain(': failed (1) — first failure: make_knock MUST answer 404: got 500</summary>');
    expect(markdown).to.contain('| – | make_knock MUST answer 404: got 500 | [transcript](transcripts/');
  });
});
