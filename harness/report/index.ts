export { createReporters, DEFAULT_OUT_DIR } from './reporter';
export type { ReportOptions, Reporting } from './reporter';
export { loadExpectedFailures, parseExpectedFailures, classifyOutcome, isRunFailure, ExpectedFailuresFileError } from './expected-failures';
export type { ExpectedFailure, ExpectedFailures, Outcome } from './expected-failures';
export { SPEC_CLAUSES, findSpecClause } from './spec-clauses';
export type { SpecClause } from './spec-clauses';
export { testIdFromTitle, parseTitleTags } from './test-id';
export { ciCounts, countsPhrase, finalCountLine } from './results';
export type { RunResult, TestRecord, RunSummary } from './results';
