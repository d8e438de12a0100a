export * as match from './match';
export * as must from './must';
export * as should from './should';
export type { MatchableResponse, JsonMatcher, ResponseMatcher, DescribedPredicate } from './match';
export type { ResponseExpectation } from './expectation';
export { SpecAssertionError } from './spec-assertion-error';
export { WARNING_CHANNEL, publishWarning, subscribeWarnings } from './warning-channel';
export type { SpecWarning } from './warning-channel';
export {
  spec,
  setup,
  setNotClaimedSkipper,
  NotClaimedError,
  NOT_CLAIMED_RULE,
  type MustRule,
  type ShouldRule,
  type ClauseRule,
  type SetupRule,
} from './rule';
