import { expect } from 'chai';
import { describeRuns, describeVersions, distinctReasons, groupOutcomes, groupWarnings } from './groups';
import { rerunGroupCommand } from './progress';
import { logicalTestId, logicalTitle } from './test-id';
import { acrossVersions, record } from './test-records';

const SUITE = 'send_knock: the HSUT as resident server';
const KNOCK_VERSIONS = ['7', '8', '9', '10', '11', '12'];

describe('grouping by logical test and clause', () => {
  it('gives every room version of a test the same logical id, and a title naming its version in words "version N"', () => {
    const ids = acrossVersions(KNOCK_VERSIONS, `${SUITE} [v7]`, 'send_knock accepts a knock [spec:send_knock.accepted]', 'passed').map(
      (r) => r.logicalId,
    );
    expect(new Set(ids).size).to.equal(1);
    expect(logicalTitle('S [v7] A PDU of room version 7 [spec:x] [v7]')).to.equal('S A PDU of room version N [spec:x]');
    expect(logicalTitle('S before room version 10 [v7] T [spec:x] [v7]')).to.equal('S before room version 10 T [spec:x]');
    expect(logicalTestId('A of version 8 [v8]')).to.equal(logicalTestId('A of version 9 [v9]'));
    expect(logicalTestId('A [spec:x] [v8]')).not.to.equal(logicalTestId('B [spec:x] [v8]'));
  });

  it('describes room versions as ranges over the known order', () => {
    expect(describeVersions(['12', '7', '8', '9', '10', '11'])).to.equal('v7–v12');
    expect(describeVersions(['7', '9'])).to.equal('v7, v9');
    expect(describeVersions(['1', '2', '3', '7', '8', '12'])).to.equal('v1–v3, v7–v8, v12');
    expect(describeVersions(['7'])).to.equal('v7');
    expect(describeVersions([])).to.equal('');
  });

  it('groups failures by the clause the failing check cited and the logical test, in room version order', () => {
    const failing = acrossVersions(
      ['12', '7', '8', '9', '10', '11'],
      SUITE,
      'send_knock accepts a knock [spec:send_knock.accepted,membership.knock]',
      'failed',
      (v) => ({
        error: {
          message: `send_knock MUST answer 200: got 500 in v${v}\n  spec …`,
          rule: 'send_knock MUST answer 200',
          clause: 'send_knock.accepted',
        },
      }),
    );
    const other = record(SUITE, 'make_knock answers 403 [spec:make_knock.forbidden] [v7]', 'failed', { error: { message: 'boom' } });
    const groups = groupOutcomes([...failing, other, record(SUITE, 'passes [spec:membership.knock] [v7]', 'passed')], 'failed');
    // in catalogue order of the clauses
    expect(groups.map((g) => [g.clause, g.runs.length])).to.deep.equal([
      ['make_knock.forbidden', 1],
      ['send_knock.accepted', 6],
    ]);
    const accepted = groups.find((g) => g.clause === 'send_knock.accepted');
    expect(accepted?.title).to.equal('send_knock accepts a knock');
    expect(accepted?.versions).to.deep.equal(KNOCK_VERSIONS);
    expect(describeRuns(accepted!)).to.equal('v7–v12 (6)');
    expect(accepted?.runs[0].message).to.equal('send_knock MUST answer 200: got 500 in v7');
    expect(accepted?.runs[0].detail).to.equal('got 500 in v7');
  });

  it('reruns a group in the versions it failed in, with a title that matches each of them', () => {
    const [group] = groupOutcomes(acrossVersions(['7', '9'], SUITE, "A user's knock [spec:x]", 'failed'), 'failed');
    expect(rerunGroupCommand(group)).to.equal(
      `npx knockknock run --spec 'suites/example.test.ts' --room-version 7,9 --fgrep 'A user'\\''s knock [spec:x]'`,
    );
    const [worded] = groupOutcomes(
      ['7', '8'].map((v) => record(SUITE, `A PDU of room version ${v} (ok) [spec:x] [v${v}]`, 'failed')),
      'failed',
    );
    const command = rerunGroupCommand(worded);
    expect(command).to.contain("--grep 'A PDU of room version \\d+ \\(ok\\) \\[spec:x\\]'");
    const pattern = new RegExp(/--grep '(.*)'$/.exec(command)![1]);
    for (const run of worded.runs) expect(pattern.test(run.record.fullTitle)).to.equal(true);
  });

  it('groups warnings per clause once per run, and expected-failure reasons once when they differ only in the version', () => {
    const warned = acrossVersions(['7', '8'], SUITE, 'a refused knock [spec:client.knock-forbidden]', 'passed', () => ({
      warnings: [
        { rule: 'r', message: 'r: got M_BAD_STATE', clause: 'client.knock-forbidden' },
        { rule: 'r2', message: 'r2: again', clause: 'client.knock-forbidden' },
        { rule: 'not claimed', message: 'outside', notClaimed: true },
      ],
    }));
    const [group, ...rest] = groupWarnings(warned);
    expect(rest).to.have.length(0);
    expect(group.runs.map((r) => r.detail)).to.deep.equal(['got M_BAD_STATE', 'got M_BAD_STATE']);
    const xfail = acrossVersions(['1', '2'], SUITE, 'knock in a room of an old version [spec:x]', 'xfail', (v) => ({
      expectedFailure: { reason: `Synapse answers 500 in room version ${v}`, link: 'https://example.org/1' },
    }));
    expect(distinctReasons(groupOutcomes(xfail, 'xfail')[0])).to.deep.equal(['Synapse answers 500 in room version 1']);
  });
});
