import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LogBuffer, readMirroredLogs } from './log-buffer';

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
