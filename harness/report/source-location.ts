/** Where a test lives, as reports name it: its file relative to the repository root, and the line it failed on. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { TestRecord } from './results';

/** The repository (package) root: where package.json and suites/ are. */
export const REPOSITORY_ROOT = resolve(__dirname, '..', '..');

/** A test file relative to the repository root, with forward slashes; as given when it lies outside. */
export function repositoryPath(file: string, rootDir: string = REPOSITORY_ROOT): string {
  const relativePath = relative(rootDir, file);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? file : relativePath.split(sep).join('/');
}

/** The line in the test's own file where it failed: the first stack frame in that file. */
export function failureLine(record: Pick<TestRecord, 'file' | 'error'>, rootDir: string = REPOSITORY_ROOT): number | undefined {
  if (!record.file || !record.error?.stack) return undefined;
  const candidates = [record.file, repositoryPath(record.file, rootDir), relative(process.cwd(), record.file)];
  for (const line of record.error.stack.split('\n')) {
    const frame = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (frame && candidates.some((c) => c && frame[1].replace(/^file:\/\//, '').endsWith(c))) return Number(frame[2]);
  }
  return undefined;
}
