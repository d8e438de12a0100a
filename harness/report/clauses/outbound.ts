/** Clauses of the catalogue for HSUT as knocking server: outbound make_knock/send_knock, propagation, the knock lifecycle (see harness/report/spec-clauses.ts). */
import type { ClauseInput } from './define';

export const OUTBOUND_CLAUSES = [] as const satisfies readonly ClauseInput[];
