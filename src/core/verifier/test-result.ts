/** The verdict of a verifier: per-test results plus whether the trial's work counts as solved. */
export type TestOutcome = 'passed' | 'failed';

export interface TestResult {
  name: string;
  outcome: TestOutcome;
  /** pytest's word (PASSED, XFAIL, …) or CTRF's status, as reported. */
  raw: string;
  message?: string;
}

export type Verdict =
  | { kind: 'scored'; resolved: boolean; tests: TestResult[]; reward?: number }
  | { kind: 'unparseable'; reason: string };
