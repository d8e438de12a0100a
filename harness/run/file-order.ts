/**
 * The order suite files go to mocha's workers. A worker runs one file at a time, so the run ends when the last
 * file does: longest first (LPT scheduling) keeps a long file from starting last and running alone at the end.
 * A file's length is its test time in the previous report in the same directory, when there is one, else its
 * size in bytes (a weaker guess; a file the report does not know sorts by size after the known ones).
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

export function longestFirst(
  files: readonly string[],
  durations: ReadonlyMap<string, number>,
  sizeOf: (file: string) => number = (file) => statSync(file).size,
): string[] {
  const known = files
    .filter((f) => durations.has(f))
    .sort((a, b) => (durations.get(b) ?? 0) - (durations.get(a) ?? 0) || a.localeCompare(b));
  const unknown = files.filter((f) => !durations.has(f)).sort((a, b) => sizeOf(b) - sizeOf(a) || a.localeCompare(b));
  return durations.size > 0 ? [...known, ...unknown] : unknown;
}
