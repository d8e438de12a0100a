/**
 * `knockknock merge DIR…`: the report directories of the n shards of one run (--shard 1/n … n/n, e.g. the jobs
 * of a CI matrix) into one report directory equal to an unsharded run's: report.json, junit.xml, summary.md,
 * report.html and the transcripts. Every shard must be there exactly once, judged against the same spec release.
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../deploy/usage-error';
import { progressSummary } from '../report/progress';
import { parseJsonReport, runFromJsonReport } from '../report/read-json-report';
import { summarize, type RunResult } from '../report/results';
import { writeReportFiles } from '../report/write-reports';

export function readShardRuns(dirs: readonly string[]): RunResult[] {
  if (dirs.length === 0) throw new UsageError('merge takes the report directories of the shards: knockknock merge DIR… [--out DIR]');
  const runs = dirs.map((dir) => {
    const file = join(dir, 'report.json');
    if (!existsSync(file)) throw new UsageError(`merge: ${dir} has no report.json (did that shard's run finish?)`);
    try {
      return runFromJsonReport(parseJsonReport(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new UsageError(`merge: ${file}: ${(error as Error).message}`);
    }
  });
  const count = runs[0]?.shard?.count;
  for (const [i, run] of runs.entries()) {
    if (!run.shard) throw new UsageError(`merge: ${dirs[i]} is not a shard's report (a run with --shard i/n)`);
    if (run.shard.count !== count)
      throw new UsageError(`merge: ${dirs[i]} is shard ${run.shard.index}/${run.shard.count}, the first is of ${count}`);
    if (run.specVersion !== runs[0]?.specVersion)
      throw new UsageError(`merge: ${dirs[i]} was judged against spec v${run.specVersion}, the first against v${runs[0]?.specVersion}`);
  }
  const indices = runs.map((run) => run.shard?.index as number);
  const twice = indices.find((index, i) => indices.indexOf(index) !== i);
  if (twice !== undefined) throw new UsageError(`merge: shard ${twice}/${count} is given twice`);
  const missing = Array.from({ length: count as number }, (_, i) => i + 1).filter((index) => !indices.includes(index));
  if (missing.length > 0)
    throw new UsageError(
      `merge: shard ${missing.map((i) => `${i}/${count}`).join(', ')} missing: every shard's report directory is needed`,
    );
  return runs;
}

/** One run out of its shards: every record once, counts recomputed; an entry is stale only if stale in every shard. */
export function mergeShardRuns(runs: readonly RunResult[]): RunResult {
  const records = runs.flatMap((run) => run.records);
  const ids = new Set<string>();
  for (const record of records) {
    if (ids.has(record.id)) throw new UsageError(`merge: "${record.fullTitle}" is in two shards (were they of the same selection?)`);
    ids.add(record.id);
  }
  records.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.startedAt - b.startedAt);
  const first = runs[0] as RunResult;
  const runWarnings = runs.flatMap((run) => run.runWarnings);
  const stale = first.staleExpectedFailures.filter((key) => runs.every((run) => run.staleExpectedFailures.includes(key)));
  const args = first.metadata?.arguments;
  return {
    startedAt: Math.min(...runs.map((run) => run.startedAt)),
    endedAt: Math.max(...runs.map((run) => run.endedAt)),
    records,
    summary: summarize(records, runWarnings),
    runWarnings,
    staleExpectedFailures: stale,
    unknownClauses: [...new Set(runs.flatMap((run) => run.unknownClauses))],
    filtered: runs.some((run) => run.filtered),
    ...(first.specVersion ? { specVersion: first.specVersion } : {}),
    metadata: {
      knockknock: first.metadata?.knockknock ?? { version: 'unknown' },
      ...(first.metadata?.server ? { server: first.metadata.server } : {}),
      ...(args ? { arguments: withoutShardFlag(args) } : {}),
    },
  };
}

function withoutShardFlag(args: readonly string[]): string[] {
  return args.filter((arg, i) => arg !== '--shard' && args[i - 1] !== '--shard' && !arg.startsWith('--shard='));
}

/** Writes the merged reports into outDir and prints the run's closing summary; resolves to the exit code. */
export function mergeReports(dirs: readonly string[], outDir: string): number {
  const shardDirs = dirs.map((dir) => resolve(dir));
  const runs = readShardRuns(shardDirs);
  const run = mergeShardRuns(runs);
  mkdirSync(outDir, { recursive: true });
  for (const dir of shardDirs) {
    const transcripts = join(dir, 'transcripts');
    if (existsSync(transcripts) && dir !== resolve(outDir)) cpSync(transcripts, join(outDir, 'transcripts'), { recursive: true });
  }
  const files = writeReportFiles(run, outDir, process.env.GITHUB_STEP_SUMMARY ? { stepSummaryFile: process.env.GITHUB_STEP_SUMMARY } : {});
  process.stdout.write(`knockknock: merged ${runs.length} shards\n`);
  process.stdout.write(
    progressSummary(
      run,
      Object.values(files).map((file) => relative(process.cwd(), file) || file),
    ),
  );
  return run.summary.runFailures > 0 ? 1 : 0;
}
