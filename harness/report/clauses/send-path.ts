/** Clauses of the catalogue for events a resident server pushes over /send: the PDU checks and the auth rules alone. */
import { FILES, V7_AUTH, headingAnchor, type ClauseInput } from './define';

const PDU_CHECKS = { page: 'server-server-api', anchor: headingAnchor('Checks performed on receipt of a PDU'), file: FILES.ssApi } as const;

export const SEND_PATH_CLAUSES = [
  {
    id: 'pdu-checks.auth-events',
    wordedIn: '1.19',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'A PDU that fails the auth rules against its own auth_events is rejected (a knock citing no join rules fails knock rule 1)',
    quote: "Passes authorisation rules based on the event's auth events, otherwise it is rejected.",
    source: PDU_CHECKS,
  },
  {
    id: 'auth-rules.m-federate',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'A knock from another server into a room created with `m.federate: false` is rejected',
    quote:
      'If the `content` of the `m.room.create` event in the room state has the property `m.federate` set to `false`, and the `sender` domain of the event does not match the `sender` domain of the create event, reject.',
    source: V7_AUTH,
    sharedQuote: true,
    wordedIn: '1.14',
  },
  {
    id: 'auth-rules.ban-needs-ban-level',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'A ban (of a knocking user) by a member below the ban level is rejected',
    quote:
      "If the `sender`'s power level is greater than or equal to the *ban level*, and the *target user*'s power level is less than the `sender`'s power level, allow. … Otherwise, reject.",
    source: V7_AUTH,
  },
  {
    id: 'auth-rules.kick-needs-kick-level',
    area: 'auth rule',
    level: 'MUST',
    since: '1.1',
    title: 'A kick (denial of a knock) by a member below the kick level is rejected',
    quote:
      "If the `sender`'s power level is greater than or equal to the *kick level*, and the *target user*'s power level is less than the `sender`'s power level, allow. … Otherwise, reject.",
    source: V7_AUTH,
  },
] as const satisfies readonly ClauseInput[];
