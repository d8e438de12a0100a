/**
 * Reading the matrix-spec source (a git directory of matrix-org/matrix-spec, release tags v1.1 … v1.19) to prove
 * the catalogue: every quote stands in the text of the releases its clause claims, and every link's anchor exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { endpointAnchor, headingAnchor, type SpecClause } from './spec-clauses';
import { NEWEST_SPEC_VERSION, previousSpecVersion, type SpecVersion } from '../core/spec-versions';

/** Where this workplace keeps a snapshot of matrix-org/matrix-spec; KK_MATRIX_SPEC_GIT overrides it. */
export const DEFAULT_SPEC_GIT_DIR = '/work/.mirror/matrix-org+matrix-spec/repo';

export function specGitDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.KK_MATRIX_SPEC_GIT ?? DEFAULT_SPEC_GIT_DIR;
  return existsSync(dir) ? dir : undefined;
}

/** Markdown/YAML text reduced to what a reader sees: no shortcodes, links as their text, no emphasis, one space. */
export function normalizeSpecText(text: string): string {
  return text
    .replace(/\{\{%[^%]*%\}\}/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function quoteParts(quote: string): string[] {
  return quote.split(' … ').map(normalizeSpecText).filter(Boolean);
}

export class SpecSource {
  private readonly files = new Map<string, string | undefined>();
  private readonly listings = new Map<string, string[]>();

  constructor(private readonly gitDir: string) {}

  file(version: SpecVersion, path: string): string | undefined {
    const key = `${version}:${path}`;
    if (!this.files.has(key)) {
      let text: string | undefined;
      try {
        text = execFileSync('git', ['--git-dir', this.gitDir, 'show', `v${version}:${path}`], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch {
        text = undefined;
      }
      this.files.set(key, text);
    }
    return this.files.get(key);
  }

  list(version: SpecVersion, dir: string): string[] {
    const key = `${version}:${dir}`;
    if (!this.listings.has(key)) {
      const out = execFileSync('git', ['--git-dir', this.gitDir, 'ls-tree', '-r', '--name-only', `v${version}`, dir], { encoding: 'utf8' });
      this.listings.set(key, out.split('\n').filter(Boolean));
    }
    return this.listings.get(key) ?? [];
  }

  /** The quote parts that do not stand in `path` at `version` (all of them when the file is absent). */
  missingQuoteParts(version: SpecVersion, path: string, quote: string): string[] {
    const text = this.file(version, path);
    const haystack = text === undefined ? '' : normalizeSpecText(text);
    return quoteParts(quote).filter((part) => !haystack.includes(part));
  }

  /** Every endpoint anchor of a release (method + base path + path, as spec.matrix.org renders them). */
  endpointAnchors(version: SpecVersion): Set<string> {
    const anchors = new Set<string>();
    for (const path of this.list(version, 'data/api').filter((p) => p.endsWith('.yaml'))) {
      const text = this.file(version, path) ?? '';
      const basePath = /basePath:\s*\n\s*default:\s*(\S+)/.exec(text)?.[1] ?? '';
      let current: string | undefined;
      for (const line of text.split('\n')) {
        const pathKey = /^ {2}"?(\/[^":]*)"?:\s*$/.exec(line);
        if (pathKey) current = pathKey[1];
        const method = /^ {4}(get|put|post|delete):\s*$/.exec(line);
        if (current && method) anchors.add(endpointAnchor(method[1], `${basePath}${current}`));
      }
    }
    return anchors;
  }

  /** The page's heading anchors (explicit `{#id}` or derived from the heading text). */
  headingAnchors(version: SpecVersion, page: string): Set<string> {
    const candidates = [`content/${page}.md`, `content/${page}/_index.md`];
    const anchors = new Set<string>();
    for (const path of candidates) {
      const text = this.file(version, path);
      if (!text) continue;
      // Room version pages pull in fragments; their headings are the page's too.
      const fragments = [...text.matchAll(/rver-fragment name="([^"]+)"/g)].map(
        (m) => this.file(version, `content/rooms/fragments/${m[1]}.md`) ?? '',
      );
      for (const source of [text, ...fragments]) {
        for (const [, heading] of source.matchAll(/^#{1,6} (.+)$/gm)) {
          const explicit = /\{#([^}]+)\}\s*$/.exec(heading);
          anchors.add(explicit ? explicit[1] : headingAnchor(heading));
        }
      }
    }
    return anchors;
  }
}

/** The releases a clause is checked at: where it starts (or was written down) and its last one. */
export function clauseCheckVersions(clause: SpecClause): {
  first: SpecVersion;
  last: SpecVersion;
  before?: SpecVersion;
  after?: SpecVersion;
} {
  const first = clause.wordedIn ?? clause.writtenIn ?? clause.since;
  const last = clause.until ? (previousSpecVersion(clause.until) as SpecVersion) : NEWEST_SPEC_VERSION;
  const before = clause.sharedQuote || clause.writtenIn || clause.wordedIn ? undefined : previousSpecVersion(clause.since);
  const after = clause.sharedQuote ? undefined : clause.until;
  return { first, last, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}
