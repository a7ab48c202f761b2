/** Which endings count against a model: infrastructure, verifier and provider failures never do. */
import assert from 'node:assert/strict';
import { EXCLUDED_FROM_PASS_RATE, TRIAL_STATUSES } from '../../../src/core/domain';
import { parseTb1Output } from '../../../src/core/verifier/tb1-parsers';

describe('trial statuses: what counts against a model', () => {
  it('infrastructure, verifier and provider failures, cancels and interruptions are left out of pass rates', () => {
    for (const status of ['infra_error', 'verifier_error', 'provider_error', 'cancelled', 'interrupted'] as const) {
      assert.ok(EXCLUDED_FROM_PASS_RATE.has(status), status);
    }
  });

  it("the agent's own endings count: passed, failed, its timeout, its harness crashing, its budget", () => {
    const counted = TRIAL_STATUSES.filter((s) => !EXCLUDED_FROM_PASS_RATE.has(s));
    assert.deepEqual(counted, ['passed', 'failed', 'timeout', 'test_timeout', 'budget_exceeded', 'harness_error']);
  });

  it('a SWE-bench grader that never printed its verdict is a verifier problem (unparseable → verifier_error), not a fail', () => {
    assert.equal(parseTb1Output('swebench', 'error: could not fetch the repository\n').kind, 'unparseable');
  });
});
