/**
 * Knock auth rule iv (rooms v7+, m.room.member with membership knock): after rule iii allows any other
 * membership, "otherwise, reject" — a sender who is banned, invited or joined may not knock. One row per
 * membership, with the clause that names it; suites build their banned / invited / joined cases from it.
 */
export const KNOCK_BARRING_MEMBERSHIPS = [
  {
    membership: 'ban',
    adjective: 'banned',
    clause: 'auth-rules.knock.from-ban',
    rule: 'Knock auth rule iv (rooms v7+, m.room.member membership knock): otherwise reject — a sender whose current membership is ban may not knock',
  },
  {
    membership: 'invite',
    adjective: 'invited',
    clause: 'auth-rules.knock.from-invite',
    rule: 'Knock auth rule iv (rooms v7+, m.room.member membership knock): otherwise reject — a sender whose current membership is invite may not knock',
  },
  {
    membership: 'join',
    adjective: 'joined',
    clause: 'auth-rules.knock.from-join',
    rule: 'Knock auth rule iv (rooms v7+, m.room.member membership knock): otherwise reject — a sender whose current membership is join may not knock',
  },
] as const;

export type KnockBarringMembership = (typeof KNOCK_BARRING_MEMBERSHIPS)[number];
export type KnockBarringMembershipName = KnockBarringMembership['membership'];

/** The row of one membership. */
export function knockBarring(membership: KnockBarringMembershipName): KnockBarringMembership {
  return KNOCK_BARRING_MEMBERSHIPS.find((row) => row.membership === membership)!;
}
