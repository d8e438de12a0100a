/**
 * The order suite files go to mocha's workers. A worker runs one file at a time, so the run ends when the last
 * file does: longest first (LPT scheduling) keeps a long file from starting last and running alone at the end.
 * A file's length is its test time in the previous report in the same directory, when there is one, else its
 * size in bytes (a weaker guess; a file the report does not know sorts by size after the known ones).
 * One exception: the shortest file goes first, because a worker reports a file's results only when the file is
 * done, and the first results (or a broken setup) should show within seconds, not after the longest file.
 */
import { readFileSync, statSync } from 'node:fs';

/** Sum of test durations per file in a report.json; empty when there is none or it cannot be read. */
export function fileDurationsFromReport(reportFile: string): Map<string, number> {
  const durations = new Map<string, number>();
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { tests?: Array<{ file?: string | null; durationMs?: number | null }> };
    for (const test of report.tests ?? []) {
      if (test.file) durations.set(test.file, (durations.get(test.file) ?? 0) + (test.durationMs ?? 0));
    }
  } catch {
    // No previous report: sizes decide.
  }
  return durations;
}

export function workerFileOrder(
  files: readonly string[],
  durations: ReadonlyMap<string, number>,
  sizeOf: (file: string) => number = (file) => statSync(file).size,
): string[] {
  const known = files
    .filter((f) => durations.has(f))
    .sort((a, b) => (durations.get(b) ?? 0) - (durations.get(a) ?? 0) || a.localeCompare(b));
  const unknown = files.filter((f) => !durations.has(f)).sort((a, b) => sizeOf(b) - sizeOf(a) || a.localeCompare(b));
  const ordered = durations.size > 0 ? [...known, ...unknown] : unknown;
  const shortest = ordered.length > 2 ? ordered.pop() : undefined;
  return shortest === undefined ? ordered : [shortest, ...ordered];
}
