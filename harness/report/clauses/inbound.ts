/** Clauses of the catalogue for HSUT as resident server: make_knock, send_knock, room versions, federation basics (see harness/report/spec-clauses.ts). */
import type { ClauseInput } from './define';

export const INBOUND_CLAUSES = [] as const satisfies readonly ClauseInput[];
