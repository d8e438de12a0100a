import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileSync } from 'node:fs';
import { LogBuffer, readMirroredLogs, readServerLog } from './log-buffer';

describe('LogBuffer', () => {
  it('joins lines split across chunks and keeps the last partial line until flushed', () => {
    const buffer = new LogBuffer();
    buffer.push('one\ntw');
    buffer.push('o\r\nthr');
    expect(buffer.text()).to.equal('one\ntwo');
    buffer.flush();
    expect(buffer.text()).to.equal('one\ntwo\nthr');
    expect(buffer.tail(1)).to.equal('thr');
  });

  it('returns only the lines received since a wall-clock time, also from its mirror file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-log-'));
    try {
      const file = join(dir, 'hsut.log');
      const buffer = new LogBuffer(file);
      buffer.push('before\n');
      await delay(5);
      const since = Date.now();
      buffer.push('after 1\nafter 2\n');
      expect(buffer.text(since)).to.equal('after 1\nafter 2');
      expect(readMirroredLogs(file, since)).to.equal('after 1\nafter 2');
      expect(readMirroredLogs(file)).to.equal('before\nafter 1\nafter 2');
      expect(readMirroredLogs(join(dir, 'missing.log'))).to.equal('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readServerLog (--hsut-log)', () => {
  it("keeps the lines from a time on, by each line's leading timestamp; continuation lines follow their line", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-slog-'));
    const file = join(dir, 'homeserver.log');
    writeFileSync(
      file,
      [
        '2026-12-02 15:50:20,100 - synapse.a - 1 - INFO - old line',
        '2026-12-02 15:50:23,123 - synapse.b - 2 - ERROR - new line',
        'Traceback (most recent call last):',
        '2026-12-02T15:50:24.5Z iso line with zone',
      ].join('\n'),
    );
    const since = new Date(2026, 11, 2, 15, 50, 23, 0).getTime();
    const lines = readServerLog(file, since).split('\n');
    expect(lines.slice(0, 2)).to.deep.equal([
      '2026-12-02 15:50:23,123 - synapse.b - 2 - ERROR - new line',
      'Traceback (most recent call last):',
    ]);
    expect(readServerLog(file).split('\n')).to.have.length(4);
    expect(readServerLog(join(dir, 'missing.log'), since)).to.equal('');
    rmSync(dir, { recursive: true, force: true });
  });
});
