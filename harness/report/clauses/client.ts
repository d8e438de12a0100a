/** Clauses of the catalogue for client API: POST /knock, /sync, the room directory (see harness/report/spec-clauses.ts). */
import type { ClauseInput } from './define';

export const CLIENT_CLAUSES = [] as const satisfies readonly ClauseInput[];
