import assert from 'node:assert/strict';
import { judgeValidation } from '../../../src/core/run/validate-tasks';
import type { TrialOutcome } from '../../../src/core/run/trial-runner';
import type { TrialStatus } from '../../../src/core/domain';

const outcome = (status: TrialStatus, error?: string, verifierOutput?: string): TrialOutcome => ({
  status, tests: [], testsPassed: 0, testsFailed: 0, startedAt: '', finishedAt: '', durationMs: 0, buildMs: 0, agentMs: 0, testMs: 0,
  ...(error ? { error } : {}), ...(verifierOutput ? { verifierOutput } : {}),
});

describe('task validation judgement', () => {
  it('accepts a task whose oracle passes and whose nop fails', () => {
    assert.deepEqual(judgeValidation(outcome('passed'), outcome('failed')), []);
  });
  it('names each way a task can be broken', () => {
    assert.match(judgeValidation(outcome('failed'), outcome('failed'))[0] ?? '', /reference solution failed: failed \(oracle: failed\)/);
    assert.match(judgeValidation(outcome('passed'), outcome('passed'))[0] ?? '', /^doing nothing already passes/);
    assert.match(judgeValidation(outcome('infra_error', 'image build failed'), outcome('infra_error'))[0] ?? '', /oracle: infra_error: image build failed/);
    assert.equal(judgeValidation(outcome('verifier_error'), outcome('verifier_error')).length, 2);
  });

  it('names the cause: network, missing solution, or the tail of the failed run', () => {
    const network = {
      curl: 'Hit:1 ...\ncurl: (6) Could not resolve host: astral.sh\nbash: uv: command not found',
      uv: 'error: Failed to fetch: `https://pypi.org/simple/pytest/`\n  Caused by: dns error: failed to lookup address information',
      pip: "WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(...: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')",
      apt: 'Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving \'deb.debian.org\'',
    };
    for (const [tool, output] of Object.entries(network)) {
      assert.match(judgeValidation(outcome('failed', undefined, output), outcome('failed'))[0] ?? '', /^the tests could not reach the network \(/, tool);
    }
    assert.match(judgeValidation(outcome('harness_error', 'the task has no reference solution (solution.sh, solution.yaml or solution/solve.sh)'), outcome('failed'))[0] ?? '', /^the reference solution is missing/);
    const failed = judgeValidation(outcome('failed', undefined, '===== short test summary info =====\nFAILED tests/test_outputs.py::test_x - assert 2 == 3\n===== 1 failed in 0.1s ====='), outcome('failed'));
    assert.deepEqual(failed, ['the reference solution failed: ===== short test summary info ===== / FAILED tests/test_outputs.py::test_x - assert 2 == 3 / ===== 1 failed in 0.1s ===== (oracle: failed)']);
  });
});
