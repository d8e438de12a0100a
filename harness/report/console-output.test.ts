import { expect } from 'chai';
import { ConsoleOutput } from './console-output';
import { acrossVersions, record } from './test-records';

function capture() {
  const chunks: string[] = [];
  return { chunks, output: { write: (text: string) => chunks.push(text) } };
}

const SUITE = 'send_knock: the HSUT as resident server';

describe('console output while a run goes', () => {
  it('prints a warning once per clause and logical test, not once per room version', () => {
    const { chunks, output } = capture();
    const console = new ConsoleOutput({ output, reportDirForDisplay: 'knockknock-report', progress: 'lines' });
    console.setTotal(6);
    const warned = acrossVersions(
      ['7', '8', '9', '10', '11', '12'],
      SUITE,
      'send_knock refuses a message event [spec:send_knock.validation]',
      'passed',
      (v) => ({
        warnings: [
          {
            rule: 'send_knock SHOULD answer M_INVALID_PARAM',
            message: `send_knock SHOULD answer M_INVALID_PARAM: got M_BAD_JSON (v${v})`,
            clause: 'send_knock.validation',
          },
        ],
      }),
    );
    for (const r of warned) console.recordClosed(r);
    const text = chunks.join('');
    expect(text.match(/⚠ WARN/g)).to.have.length(1);
    expect(text).to.contain('got M_BAD_JSON (v7)');
    expect(text).to.contain('[6/6 100%] 0 failed · 6 warnings');
  });

  it('prints every failure with its rerun command, and a progress line at each tenth of the run when not on a terminal', () => {
    const { chunks, output } = capture();
    const console = new ConsoleOutput({ output, reportDirForDisplay: 'knockknock-report', progress: 'lines' });
    console.setTotal(200);
    for (let i = 0; i < 200; i++)
      console.recordClosed(
        record(
          SUITE,
          `test ${i} [spec:send_knock.accepted] [v7]`,
          i === 50 ? 'failed' : 'passed',
          i === 50 ? { error: { message: 'send_knock MUST answer 200: got 500' } } : {},
        ),
      );
    const lines = chunks.join('').split('\n');
    expect(lines.filter((l) => /^ {2}\[\d+\/200 \d+%\]/.test(l))).to.have.length(10);
    expect(lines.find((l) => l.startsWith('  [100/200 50%]'))).to.match(/1 failed · 0 warnings · \d+s$/);
    expect(lines.filter((l) => l.includes('✗ FAIL'))).to.have.length(1);
    expect(lines.find((l) => l.includes('rerun:'))).to.contain(
      "--room-version 7 --fgrep 'send_knock: the HSUT as resident server test 50 [spec:send_knock.accepted] [v7]'",
    );
    expect(lines.filter((l) => l.includes('✓ pass'))).to.have.length(0);
  });

  it('on a terminal rewrites one progress line, cut to the terminal width, and clears it before anything else', () => {
    const { chunks, output } = capture();
    const console = new ConsoleOutput({ output: { ...output, isTTY: true, columns: 40 }, reportDirForDisplay: 'r' });
    console.setTotal(3);
    console.recordClosed(record(SUITE, 'a [v7]', 'passed'));
    console.recordClosed(record(SUITE, 'b [v7]', 'failed', { error: { message: 'boom' } }));
    console.finish();
    expect(chunks[0]).to.match(/^\r\u001b\[2K {2}\[1\/3 33%\]/);
    expect(chunks[0].length).to.be.at.most('\r\u001b[2K'.length + 39);
    expect(chunks[1]).to.equal('\r\u001b[2K');
    expect(chunks[2]).to.contain('✗ FAIL');
    expect(chunks.at(-1)).to.equal('\r\u001b[2K');
    // what a terminal keeps of each finished line (after its last carriage return) is never the counter
    const kept = chunks
      .join('')
      .split('\n')
      .slice(0, -1)
      .map((line) => line.slice(line.lastIndexOf('\r') + 1).replace('\u001b[2K', ''));
    expect(kept.filter((line) => line.startsWith('  ['))).to.deep.equal([]);
  });

  it('in verbose mode prints one line per test and no counter', () => {
    const { chunks, output } = capture();
    const console = new ConsoleOutput({ output, reportDirForDisplay: 'r', verbose: true, progress: 'lines' });
    console.setTotal(2);
    console.recordClosed(record(SUITE, 'a [v7]', 'passed'));
    console.recordClosed(record(SUITE, 'b [v7]', 'skipped'));
    expect(chunks.join('')).to.match(/^ {2}✓ pass +120ms {2}send_knock: the HSUT as resident server a \[v7\]\n {2}- skip /);
    expect(chunks.join('')).not.to.contain('[2/2');
  });
});
