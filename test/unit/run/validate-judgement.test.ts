import assert from 'node:assert/strict';
import { judgeValidation } from '../../../src/core/run/validate-tasks';
import type { TrialOutcome } from '../../../src/core/run/trial-runner';
import type { TrialStatus } from '../../../src/core/run/trial-status';

const outcome = (status: TrialStatus, error?: string): TrialOutcome => ({
  status, tests: [], testsPassed: 0, testsFailed: 0, startedAt: '', finishedAt: '', durationMs: 0, buildMs: 0, agentMs: 0, testMs: 0, ...(error ? { error } : {}),
});

describe('task validation judgement', () => {
  it('accepts a task whose oracle passes and whose nop fails', () => {
    assert.deepEqual(judgeValidation(outcome('passed'), outcome('failed')), []);
  });
  it('names each way a task can be broken', () => {
    assert.match(judgeValidation(outcome('failed'), outcome('failed'))[0] ?? '', /reference solution does not pass \(oracle: failed\)/);
    assert.match(judgeValidation(outcome('passed'), outcome('passed'))[0] ?? '', /tests pass without any work/);
    assert.match(judgeValidation(outcome('infra_error', 'image build failed'), outcome('infra_error'))[0] ?? '', /oracle: infra_error: image build failed/);
    assert.equal(judgeValidation(outcome('verifier_error'), outcome('verifier_error')).length, 2);
  });
});
