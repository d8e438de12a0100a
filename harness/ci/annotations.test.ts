import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { annotationsFromReport, escapeData, escapeProperty, main, type ReportForAnnotations } from './annotations';

const test = (status: string, extra: Partial<NonNullable<ReportForAnnotations['tests']>[number]> = {}) => ({
  fullTitle: `Suite ${status} test [spec:x] [v7]`,
  file: '/ws/suites/x.test.ts',
  status,
  error: null,
  failedHook: null,
  expectedFailure: null,
  transcript: null,
  ...extra,
});

describe('GitHub annotations from report.json', () => {
  it('escapes workflow-command data and properties', () => {
    expect(escapeData('50% a\r\nb')).to.equal('50%25 a%0D%0Ab');
    expect(escapeProperty('a: b, c\n')).to.equal('a%3A b%2C c%0A');
  });

  it('emits one ::error per failure and unexpected pass, none for passes, expected failures or skips', () => {
    const report: ReportForAnnotations = {
      specVersion: '1.12',
      tests: [
        test('passed'),
        test('xfail'),
        test('skipped'),
        test('not-claimed'),
        test('failed', { error: { message: 'send_knock.accepted: expected 200, got 403\nbody: {}' }, transcript: 'transcripts/t.txt' }),
        test('unexpected-pass', { expectedFailure: { reason: 'Synapse bug' } }),
      ],
    };
    const lines = annotationsFromReport(report, { workspace: '/ws', reportDir: 'knock-report' });
    expect(lines).to.have.length(2);
    expect(lines[0]).to.equal(
      '::error title=Suite failed test [spec%3Ax] [v7],file=suites/x.test.ts::Failed (judged against Matrix spec v1.12): ' +
        'send_knock.accepted: expected 200, got 403%0Abody: {}%0ATranscript: knock-report/transcripts/t.txt (in the uploaded report)',
    );
    expect(lines[1]).to.match(/^::error title=Suite unexpected-pass test .*::Listed as an expected failure \(Synapse bug\) but passed/);
  });

  it('leaves file= out for a test file outside the workspace (the Action running from its own directory)', () => {
    const [line] = annotationsFromReport(
      { tests: [test('failed', { file: '/actions/knockknock/suites/x.test.ts' })] },
      { workspace: '/ws' },
    );
    expect(line).to.not.include('file=');
    expect(line).to.include('no error message');
  });

  it('caps the errors and sums up the rest in one notice; stale entries are warnings', () => {
    const tests = Array.from({ length: 13 }, (_, i) => test('failed', { fullTitle: `t${i}` }));
    const lines = annotationsFromReport({ tests, staleExpectedFailures: ['Old title', 'Older'] }, { max: 10 });
    expect(lines.filter((l) => l.startsWith('::error '))).to.have.length(10);
    expect(lines[10]).to.match(/^::notice title=knockknock%3A 3 more unexpected results::13 tests in all/);
    expect(lines[11]).to.equal(
      '::warning title=knockknock%3A 2 stale expected failures::2 expected-failure entries match no test of this run: rename or remove them ("Old title", "Older").',
    );
    expect(lines).to.have.length(12);
    // A filtered run leaves entries unmatched by design.
    expect(annotationsFromReport({ filtered: true, tests: [], staleExpectedFailures: ['Old title'] })).to.deep.equal([]);
  });

  it('main prints the annotations of a report file, and nothing (exit 0) when the run wrote none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-annotate-'));
    try {
      const file = join(dir, 'report.json');
      writeFileSync(file, JSON.stringify({ tests: [test('failed')] }));
      const out: string[] = [];
      expect(main([file, 'r'], {}, (l) => out.push(l))).to.equal(0);
      expect(out).to.have.length(1);
      const none: string[] = [];
      const said: string[] = [];
      expect(
        main(
          [join(dir, 'missing.json')],
          {},
          (l) => none.push(l),
          (l) => said.push(l),
        ),
      ).to.equal(0);
      expect(none).to.deep.equal([]);
      expect(said[0]).to.match(/^annotate: no report to annotate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
