import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimWorkerSlot } from './current';

describe('claimWorkerSlot', () => {
  it('hands out each slot number once, lowest first, and notes who holds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-slots-'));
    try {
      expect([claimWorkerSlot(dir), claimWorkerSlot(dir), claimWorkerSlot(dir)]).to.deep.equal([0, 1, 2]);
      expect(readFileSync(join(dir, '1'), 'utf8')).to.equal(String(process.pid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is slot 0 when the run has no slot directory (one instance)', () => {
    expect(claimWorkerSlot(undefined)).to.equal(0);
  });
});
