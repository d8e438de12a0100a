/**
 * Which HSUT log lines belong to a test. Tests run concurrently, so the log of a test's time window also holds
 * other tests' lines; a transcript keeps the lines that name one of the test's rooms, users or events, and every
 * line of the same HSUT request or task as such a line (Synapse tags each line with one, e.g. `PUT-1899`).
 */
import { tryDecodeURIComponent, type HttpExchange } from '../core/http-exchange';

/**
 * Room, user, event and alias IDs: a sigil, an opaque part, a colon and a server name (with optional port); or
 * a hash-based event ID (v3+) or room ID (v12) with no server name.
 */
const MATRIX_ID = /[!@$#][A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::\d+)?|[$!][A-Za-z0-9_\-+/]{43}/g;
/** Synapse's `%(levelname)s - %(request)s - ` fields: the request or background task a line was logged in. */
const SYNAPSE_REQUEST_TAG = / - (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) - ([^ ]+) - /;

/** Synapse's tag for lines logged outside any request or task: shared by everything, so it links nothing. */
const UNTAGGED = 'sentinel';

/** The Matrix IDs a test's HTTP exchanges mention (URLs decoded, bodies included). */
export function idsInExchanges(exchanges: readonly HttpExchange[]): Set<string> {
  const ids = new Set<string>();
  const collect = (text: string) => {
    for (const match of text.matchAll(MATRIX_ID)) ids.add(match[0]);
  };
  for (const exchange of exchanges) {
    collect(tryDecodeURIComponent(exchange.url));
    for (const body of [exchange.requestBody, exchange.responseBody]) {
      if (body !== undefined) collect(typeof body === 'string' ? body : JSON.stringify(body));
    }
  }
  return ids;
}

export interface FilteredLog {
  lines: string[];
  /** Lines of the window left out: they name none of the test's IDs (other tests running at the same time). */
  omitted: number;
}

export function linesOfTest(log: string, ids: ReadonlySet<string>): FilteredLog {
  const all = log.split('\n').filter((line) => line.length > 0);
  if (ids.size === 0) return { lines: all, omitted: 0 };
  // IDs appear raw in messages and percent-encoded in logged URIs.
  const needles = [...ids].flatMap((id) => [id, encodeURIComponent(id)]);
  const names = (line: string) => needles.some((needle) => line.includes(needle));
  const tagOf = (line: string) => SYNAPSE_REQUEST_TAG.exec(line)?.[1];
  const relevantTags = new Set<string>();
  for (const line of all) {
    const tag = tagOf(line);
    if (tag && tag !== UNTAGGED && names(line)) relevantTags.add(tag);
  }
  const lines = all.filter((line) => {
    const tag = tagOf(line);
    return (tag !== undefined && relevantTags.has(tag)) || names(line);
  });
  return { lines, omitted: all.length - lines.length };
}
