import type { CSClient, SyncBody } from '../clients/cs-client';

let syncNonce = 0;

/**
 * GET /sync that no earlier identical request can answer: a server may replay a finished /sync answer to the
 * same parameters (Synapse does for `caches.sync_response_cache_duration`), so polling the same `since` (or
 * repeating an initial sync) could read a stale answer. A distinct `timeout` makes each request new; an initial
 * sync ignores it, and an incremental one waits at most that many milliseconds when nothing changed.
 */
export function freshSync(client: CSClient, since?: string): Promise<SyncBody> {
  syncNonce = (syncNonce % 200) + 1;
  return client.sync({ since, timeout: syncNonce });
}
