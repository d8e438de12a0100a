/** Clauses of the catalogue for HSUT as resident server: make_knock, send_knock, room versions, federation basics (see harness/report/spec-clauses.ts). */
import { SEND_KNOCK, type ClauseInput } from './define';

export const INBOUND_CLAUSES = [
  {
    id: 'send_knock.room-of-path',
    area: 'send_knock',
    level: 'MUST',
    since: '1.1',
    title: 'send_knock knocks on the room of the request path: an event of another room is refused and enters neither room',
    quote: 'The room ID that is about to be knocked upon.',
    source: SEND_KNOCK,
  },
] as const satisfies readonly ClauseInput[];
