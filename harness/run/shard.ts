/**
 * `--shard i/n`: a partition of the selected tests that every machine computes alike. A test's shard is a hash
 * of its full title (which names its room version), so each test is in exactly one shard, whatever else is
 * selected, in any order, on any machine, and a shard keeps its tests when unrelated tests come or go.
 */
import { createHash } from 'node:crypto';

export interface Shard {
  /** 1-based, as written on the command line. */
  index: number;
  count: number;
}

export const MAX_SHARDS = 64;

/** "2/4" → { index: 2, count: 4 }; undefined when it is not i/n with 1 ≤ i ≤ n ≤ MAX_SHARDS. */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && count >= 1 && index <= count && count <= MAX_SHARDS ? { index, count } : undefined;
}

/** The 1-based shard a test with this full title belongs to. */
export function shardOfTitle(fullTitle: string, count: number): number {
  return (createHash('sha256').update(fullTitle).digest().readUInt32BE(0) % count) + 1;
}

/** A mocha grep (a regular expression source) that matches exactly these full titles and nothing else. */
export function exactTitlesGrep(titles: readonly string[]): string {
  if (titles.length === 0) return '^(?!)';
  return `^(?:${titles.map((title) => title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`;
}
