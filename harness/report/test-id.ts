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
      for (const clause of specTag[1].split(',').map((c) => c.trim()).filter(Boolean)) {
        if (!clauses.includes(clause)) clauses.push(clause);
      }
      continue;
    }
    const versionTag = /^v([0-9A-Za-z.\-]+)$/.exec(inner.trim());
    if (versionTag && !roomVersions.includes(versionTag[1])) roomVersions.push(versionTag[1]);
  }
  return { clauses, roomVersions };
}
