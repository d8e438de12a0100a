/** Stable test ids and the tags test titles carry (`[spec:make_knock.template]`, `[v7]`). */
import { createHash } from 'node:crypto';

/** Readable and unique: a slug of the full title plus a short hash of it; also safe as a file name. */
export function testIdFromTitle(fullTitle: string): string {
  const slug = fullTitle
    .toLowerCase()
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(fullTitle).digest('hex').slice(0, 8);
  return slug ? `${slug}-${hash}` : hash;
}

export interface TitleTags {
  /** Spec clause ids, from `[spec:a]` or `[spec:a,b]` tags, in order, without duplicates. */
  clauses: string[];
  /** Room version ids from `[v7]`-style tags. */
  roomVersions: string[];
}

export function parseTitleTags(title: string): TitleTags {
  const clauses: string[] = [];
  const roomVersions: string[] = [];
  for (const [, inner] of title.matchAll(/\[([^\]]+)\]/g)) {
    const specTag = /^spec:(.+)$/.exec(inner.trim());
    if (specTag) {
      for (const clause of specTag[1]
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)) {
        if (!clauses.includes(clause)) clauses.push(clause);
      }
      continue;
    }
    const versionTag = /^v([0-9A-Za-z.\-]+)$/.exec(inner.trim());
    if (versionTag && !roomVersions.includes(versionTag[1])) roomVersions.push(versionTag[1]);
  }
  return { clauses, roomVersions };
}

/** Room-version tags (`[v7]`, also in a describe title): what varies between the runs of one logical test. */
const ROOM_VERSION_TAG = /\s*\[v\d[0-9A-Za-z.\-]*\]/g;

/**
 * The full title without its room-version tags: the same for every room version a test runs in. A title that
 * also names its own version in words ("… a PDU of room version 7 [v7]") reads "version N".
 */
export function logicalTitle(fullTitle: string): string {
  let title = withoutVersionTags(fullTitle);
  for (const version of parseTitleTags(fullTitle).roomVersions) {
    title = title.replace(new RegExp(`\\bversion ${version.replace(/[.\-]/g, '\\$&')}\\b(?![.\\d])`, 'g'), 'version N');
  }
  return title.replace(/\s{2,}/g, ' ').trim();
}

/** The title without its `[vN]` tags (and nothing else changed). */
export function withoutVersionTags(title: string): string {
  return title
    .replace(ROOM_VERSION_TAG, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** A test id that is the same across room versions (testIdFromTitle of the logical title). */
export function logicalTestId(fullTitle: string): string {
  return testIdFromTitle(logicalTitle(fullTitle));
}

/** A title as a reader scans it: without `[spec:…]`, `[v7]` or other tags. */
export function plainTitle(title: string): string {
  return title
    .replace(/\s*\[[^\]]*\]/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
