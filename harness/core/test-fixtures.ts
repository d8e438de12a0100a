/** Loads JSON vectors from fixtures/vectors for the unit tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadVectors<T>(fileName: string): T {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'vectors', fileName), 'utf8')) as T;
}
