/** Clauses of the catalogue for auth rules, knock_restricted, membership transitions (see harness/report/spec-clauses.ts). */
import type { ClauseInput } from './define';

export const AUTH_CLAUSES = [] as const satisfies readonly ClauseInput[];
