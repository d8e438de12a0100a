import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileDurationsFromReport, workerFileOrder } from './file-order';

describe('suite file order', () => {
  const sizes: Record<string, number> = { '/s/a.ts': 10, '/s/b.ts': 30, '/s/c.ts': 20, '/s/d.ts': 5 };
  const sizeOf = (file: string) => sizes[file] ?? 0;

  it('puts the shortest file first, then the files that took longest last time, then unknown ones by size', () => {
    const durations = new Map([
      ['/s/a.ts', 90_000],
      ['/s/d.ts', 120_000],
    ]);
    expect(workerFileOrder(Object.keys(sizes), durations, sizeOf)).to.deep.equal(['/s/c.ts', '/s/d.ts', '/s/a.ts', '/s/b.ts']);
  });

  it('orders by size, the smallest first and then the largest first, without a previous report', () => {
    expect(workerFileOrder(Object.keys(sizes), new Map(), sizeOf)).to.deep.equal(['/s/d.ts', '/s/b.ts', '/s/c.ts', '/s/a.ts']);
    expect(workerFileOrder(['/s/a.ts', '/s/b.ts'], new Map(), sizeOf)).to.deep.equal(['/s/b.ts', '/s/a.ts']);
  });

  it('reads per-file test time from a report.json, and nothing from a missing or broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-order-'));
    try {
      const file = join(dir, 'report.json');
      writeFileSync(
        file,
        JSON.stringify({
          tests: [
            { file: '/s/a.ts', durationMs: 100 },
            { file: '/s/a.ts', durationMs: 50 },
            { file: '/s/b.ts', durationMs: null },
            { file: null, durationMs: 7 },
          ],
        }),
      );
      expect([...fileDurationsFromReport(file)]).to.deep.equal([
        ['/s/a.ts', 150],
        ['/s/b.ts', 0],
      ]);
      writeFileSync(file, '{not json');
      expect(fileDurationsFromReport(file).size).to.equal(0);
      expect(fileDurationsFromReport(join(dir, 'none.json')).size).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
