import assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { formatVersionChange } from '../../../src/core/analysis/harness-versions';
import { formatHarnessVersions } from '../../../src/core/report/harness-versions';
import { call, tokens, trial } from '../report/fixture';
import type { LlmCallRecord, TrialRecord } from '../../../src/core/store/records';

/** `n` calls of `cost` each for a trial, input growing so some of it is re-sent context. */
function callsOf(trialId: string, n: number, cost: number): LlmCallRecord[] {
  return Array.from({ length: n }, (_, i) => call({ trialId, seq: i + 1, costUsd: cost, usage: tokens({ input: 1000 * (i + 1), output: 100 }) }));
}

function run(): { trials: TrialRecord[]; calls: LlmCallRecord[] } {
  const trials: TrialRecord[] = [];
  const calls: LlmCallRecord[] = [];
  for (const task of ['t1', 't2', 't3', 't4']) {
    for (const index of [0, 1]) {
      // 7.7.2: 4 calls of $0.01; 7.7.9: 3 calls of $0.012 (cost +−10 %, calls −25 %); both always pass.
      const a = trial({ id: `${task}-a-${index}`, taskId: task, modelId: 'sim/direct', harness: 'kilo@7.7.2', trialIndex: index, harnessVersion: '7.7.2' });
      const b = trial({ id: `${task}-b-${index}`, taskId: task, modelId: 'sim/direct', harness: 'kilo@7.7.9', trialIndex: index, harnessVersion: '7.7.9' });
      trials.push(a, b);
      calls.push(...callsOf(a.id, 4, 0.01), ...callsOf(b.id, 3, 0.012));
    }
  }
  return { trials, calls };
}

describe('analysis: harness versions', () => {
  it('compares each model from one version to the next on the shared tasks (hand computation)', () => {
    const a = analyseRun({ ...run(), seed: 3, resamples: 300 });
    assert.equal(a.harnessVersions.length, 1);
    const step = a.harnessVersions[0]!;
    assert.deepEqual([step.model, step.harness, step.from.version, step.to.version, step.tasks], ['sim/direct', 'kilo', '7.7.2', '7.7.9', 4]);
    assert.deepEqual(step.attempts, { from: 8, to: 8 });
    // $0.04 → $0.036 per attempt: −10 %, the same on every task, so the interval is that point.
    assert.ok(Math.abs((step.costPerAttempt.estimate ?? NaN) + 10) < 1e-9);
    assert.ok(step.costPerAttempt.clear);
    assert.ok(Math.abs((step.callsPerAttempt.estimate ?? NaN) + 25) < 1e-9);
    assert.equal(step.passRate.estimate, 0);
    assert.equal(step.passRate.clear, false);
    // Re-sent context: inputs 1000, 2000, 3000(, 4000), each call after the first re-sends the previous
    // call's input + output (1100, 2100, 3100): 6300/10000 → 3200/6000.
    assert.ok(Math.abs((step.resentContextShare.estimate ?? NaN) - (3200 / 6000 - 6300 / 10000) * 100) < 1e-9);
    assert.equal(step.sentence, 'kilo 7.7.9 vs 7.7.2, sim/direct: −10 % cost per attempt [−10, −10], −10 % cost to complete [−10, −10], −25 % calls per attempt [−25, −25], −9.7 pp re-sent context share [−9.7, −9.7], pass rate unchanged (4 shared tasks, 8 vs 8 attempts).');
    const text = formatHarnessVersions(a.harnessVersions);
    assert.match(text, /^Harness versions\n/);
    assert.match(text, /sim\/direct\s+kilo\s+7\.7\.2 → 7\.7\.9\s+4\s+±0\.0 pp \[±0\.0, ±0\.0\]\s+−10 % \[−10, −10\]/);
  });

  it('a clear pass-rate change is said with its interval; cost to complete without passes is n/a', () => {
    const { trials, calls } = run();
    // 7.7.9 fails everywhere: pass rate −100 pp, clear; cost to complete cannot be compared (no passes).
    for (const t of trials) if (t.harness === 'kilo@7.7.9') t.status = 'failed';
    const step = analyseRun({ trials, calls, seed: 3, resamples: 300 }).harnessVersions[0]!;
    assert.equal(step.passRate.estimate, -100);
    assert.ok(step.passRate.clear);
    assert.equal(step.costToComplete.estimate, null);
    assert.equal(formatVersionChange(step.costToComplete), 'n/a');
    assert.match(step.sentence, /^kilo 7\.7\.9 vs 7\.7\.2, sim\/direct: −100\.0 pp pass rate \[−100\.0, −100\.0\]/);
  });

  it('uses the recorded version for a harness named without one, and nothing when one version ran', () => {
    const { trials, calls } = run();
    for (const t of trials) if (t.harness === 'kilo@7.7.2') t.harness = 'kilo';
    const steps = analyseRun({ trials, calls, seed: 3, resamples: 100 }).harnessVersions;
    assert.deepEqual(steps.map((s) => [s.from.harness, s.from.version, s.to.harness]), [['kilo', '7.7.2', 'kilo@7.7.9']]);
    const one = analyseRun({ trials: trials.filter((t) => t.harness === 'kilo'), calls, seed: 3, resamples: 100 });
    assert.deepEqual(one.harnessVersions, []);
    assert.equal(formatHarnessVersions(one.harnessVersions), '');
  });
});
