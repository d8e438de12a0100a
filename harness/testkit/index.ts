/** What suites share: environment hooks, users, HSUT rooms, version lists, waits, deadlines and shared checks. */
export { useFederationEnvironment, newUserClient, type FederationEnvironment, type UserClient } from './environment';
export {
  createHsutRoom,
  createKnockRoom,
  newKnockRoom,
  membershipOf,
  memberEventOf,
  type HsutRoomOptions,
  type HsutJoinRule,
  type KnockRoomOptions,
} from './hsut-rooms';
export { KNOCK_VERSIONS, PRE_KNOCK_VERSIONS, KNOCK_RESTRICTED_VERSIONS, KNOCK_WITHOUT_KNOCK_RESTRICTED_VERSIONS } from './versions';
export { pollUntil, ConditionTimeoutError, type PollOptions } from './poll';
export { waitForMembership, waitForEvent } from './waits';
export { WAIT_MS, TEST_TIMEOUT_MS, TIMEOUT_SCALE } from './timeouts';
export { unique } from './unique';
export { hostOf } from './server-names';
export { freshSync } from './fresh-sync';
export { residentHsutRoom, makeFakeResident, pushMemberEventAndSettle, settle, type ResidentRoom } from './resident-room';
export { createFakeKnockRoom, type FakeKnockRoom, type FakeKnockRoomOptions } from './fake-rooms';
export { mustHaveMembership, mustRefuseIncompatibleVersion, mustRequireXMatrix, mustSyncUntil } from './assertions';
export { KNOCK_BARRING_MEMBERSHIPS, knockBarring, type KnockBarringMembership, type KnockBarringMembershipName } from './knock-barring';
export { HsutDiedError, hsutDeath, recordHsutDeath, throwIfHsutDied, type HsutDeath } from './hsut-death';
