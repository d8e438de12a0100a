import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderJsonReport } from '../report/json-report';
import { parseJsonReport, runFromJsonReport } from '../report/read-json-report';
import { record, runOf } from '../report/test-records';
import type { RunResult } from '../report/results';
import { mergeShardRuns, readShardRuns } from './merge';
import { shardOfTitle } from './shard';

const EXPECTED = { reason: 'Synapse answers 403', link: 'https://example.org/1', failure: 'M_FORBIDDEN' };
const all = [
  record('Send knock', 'A knock is accepted [spec:send-knock.accept] [v7]', 'passed', {
    warnings: [{ rule: 'SHOULD x', message: 'errcode differs', clause: 'send-knock.accept' }],
  }),
  record('Send knock', 'A knock is refused [spec:send-knock.refuse] [v7]', 'failed', {
    error: { message: 'expected 403, got 200', code: 'KK_SPEC_VIOLATION', rule: 'MUST 403', clause: 'send-knock.refuse' },
  }),
  record('Make knock', 'A version is refused [spec:make-knock.version] [v10]', 'xfail', {
    expectedFailure: EXPECTED,
    error: { message: 'M_FORBIDDEN' },
  }),
  record('Make knock', 'An old rule [spec:make-knock.old] [v7]', 'not-claimed', {
    warnings: [{ rule: 'not claimed', message: 'outside v1.12', notClaimed: true }],
  }),
  record('Sync', 'Knocked rooms show [spec:sync.knock] [v12]', 'skipped'),
];

function shardsOf(count: number, stale: (index: number) => string[] = () => []): RunResult[] {
  return Array.from({ length: count }, (_, i) =>
    runOf(
      all.filter((r) => shardOfTitle(r.fullTitle, count) === i + 1),
      {
        shard: { index: i + 1, count },
        specVersion: '1.12',
        staleExpectedFailures: stale(i + 1),
        metadata: { knockknock: { version: '0.1.0' }, arguments: ['run', '--shard', `${i + 1}/${count}`, '--jobs', '2'] },
      },
    ),
  );
}

function roundTrip(run: RunResult): RunResult {
  return runFromJsonReport(parseJsonReport(renderJsonReport(run)));
}

describe('knockknock merge', () => {
  it('reads report.json back into the run it was written from', () => {
    const run = runOf(all, { specVersion: '1.12', shard: { index: 1, count: 1 } });
    const back = roundTrip(run);
    expect(back.summary).to.deep.equal(run.summary);
    expect(back.records.map((r) => [r.id, r.outcome, r.state, r.startedAt, r.durationMs, r.error?.message])).to.deep.equal(
      run.records.map((r) => [r.id, r.outcome, r.state, r.startedAt, r.durationMs, r.error?.message]),
    );
    expect(back.records[2]?.expectedFailure).to.deep.equal(EXPECTED);
    expect(back.records[0]?.warnings).to.deep.equal(all[0]?.warnings);
    expect(back.shard).to.deep.equal({ index: 1, count: 1 });
  });

  it('gives the counts of the unsharded run, an entry stale only where every shard found it stale, no --shard flag', () => {
    const merged = mergeShardRuns(
      shardsOf(3, (i) => (i === 2 ? ['stale everywhere'] : ['stale everywhere', 'stale in some'])).map(roundTrip),
    );
    expect(merged.summary).to.deep.equal(runOf(all).summary);
    expect(merged.records.map((r) => r.id).sort()).to.deep.equal(all.map((r) => r.id).sort());
    expect(merged.staleExpectedFailures).to.deep.equal(['stale everywhere']);
    expect(merged.shard).to.equal(undefined);
    expect(merged.metadata?.arguments).to.deep.equal(['run', '--jobs', '2']);
  });

  it('refuses a missing, repeated or foreign shard with a one-line usage error', () => {
    const work = mkdtempSync(join(tmpdir(), 'kk-merge-'));
    try {
      const dirs = shardsOf(3).map((run, i) => {
        const dir = join(work, `s${i + 1}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'report.json'), renderJsonReport(run));
        return dir;
      });
      const [one, two, three] = dirs as [string, string, string];
      expect(readShardRuns(dirs)).to.have.length(3);
      const problem = (list: string[]) => {
        try {
          readShardRuns(list);
        } catch (error) {
          expect((error as Error).message).to.not.include('\n');
          return (error as Error).message;
        }
        return 'no error';
      };
      expect(problem([one, two])).to.match(/shard 3\/3 missing/);
      expect(problem([one, two, two, three])).to.match(/shard 2\/3 is given twice/);
      expect(problem([one, join(work, 'nowhere')])).to.match(/has no report\.json/);
      const unsharded = join(work, 'whole');
      mkdirSync(unsharded);
      writeFileSync(join(unsharded, 'report.json'), renderJsonReport(runOf(all)));
      expect(problem([one, unsharded])).to.match(/is not a shard's report/);
      writeFileSync(
        join(three, 'report.json'),
        readFileSync(join(three, 'report.json'), 'utf8').replace('"specVersion": "1.12"', '"specVersion": "1.19"'),
      );
      expect(problem(dirs)).to.match(/judged against spec v1\.19/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
