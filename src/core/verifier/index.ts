/** Running a task's tests in the trial's container and reading their verdict. */
export { runVerifier, type VerifierRun } from './run-verifier';
export { parsePytestSummary } from './pytest-summary';
export type { TestOutcome, TestResult, Verdict } from './test-result';
