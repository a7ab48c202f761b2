/**
 * The closed set of states a trial can be in. Every way a trial can end is one of these values;
 * nothing else is ever stored. Infrastructure-side endings are kept apart from the agent's own
 * result so that pass rates can exclude them (and show them separately).
 */
export const TRIAL_STATUSES = [
  'queued',
  'running',
  // The verifier ran and judged the agent's work.
  'passed',
  'failed',
  // The agent hit its time limit (the verifier still ran; `passed`/`failed` of tests kept in results).
  'timeout',
  // The verifier itself ran past its time limit.
  'test_timeout',
  // The metering proxy refused a request because a trial or run budget was spent.
  'budget_exceeded',
  // The harness crashed, exited non-zero or printed output that cannot be parsed.
  'harness_error',
  // The model provider kept failing (after the harness's own retries): error statuses, dropped
  // connections, or responses the harness could not read (cut off, not JSON, wrong shape). A
  // malformed response is the provider's fault, never the agent's, so it is excluded like the rest.
  'provider_error',
  // Image build, container start, Docker engine: not the agent's fault.
  'infra_error',
  // The verifier could not run or its output could not be parsed.
  'verifier_error',
  // Stopped by the user.
  'cancelled',
  // The process running the trial died; a resume runs the trial again.
  'interrupted',
] as const;

export type TrialStatus = (typeof TRIAL_STATUSES)[number];

/** Statuses a finished trial can have; a resume never re-runs these. */
export const FINAL_STATUSES: ReadonlySet<TrialStatus> = new Set<TrialStatus>([
  'passed', 'failed', 'timeout', 'test_timeout', 'budget_exceeded', 'harness_error', 'provider_error',
  'infra_error', 'verifier_error', 'cancelled',
]);

/** Endings that say nothing about the model and so are left out of pass rates. */
export const EXCLUDED_FROM_PASS_RATE: ReadonlySet<TrialStatus> = new Set<TrialStatus>([
  'infra_error', 'verifier_error', 'provider_error', 'cancelled', 'interrupted', 'queued', 'running',
]);

export function isTrialStatus(value: unknown): value is TrialStatus {
  return typeof value === 'string' && (TRIAL_STATUSES as readonly string[]).includes(value);
}
