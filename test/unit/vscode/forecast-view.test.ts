import * as assert from 'node:assert/strict';
import { forecastRun } from '../../../src/core/analysis/forecast';
import { budgetQuestion, forecastText, forecastView, formatDuration } from '../../../src/vscode/forecast-view';
import { EVENTS } from '../../../src/protocol';

const pair = (task: string, model: string) => ({ task, model, harness: 'builtin', trials: 2, instructionChars: 800, agentTimeoutSec: 600, testTimeoutSec: 60 });

describe('the forecast in the Benchmark view', () => {
  it('says where its figures come from, and asks before a run that would likely cross its budget', () => {
    const history = Array.from({ length: 4 }, (_, i) => ({ task: 'alpha', model: 'm', harness: 'builtin', costUsd: 0.01 + i * 0.001, durationMs: 20_000 + i * 1000 }));
    const f = forecastRun({ pairs: [pair('alpha', 'm'), pair('beta', 'm')], history, concurrency: 2, budgetUsd: 0.01, price: () => 0.002 });
    const v = forecastView(f);
    assert.equal(v.trials, 4);
    assert.match(v.basis, /earlier trials \(1 pair\)/);
    assert.ok(v.costUsd && v.costUsd.low <= v.costUsd.expected && v.costUsd.expected <= v.costUsd.high);
    assert.equal(v.budget?.likelyCross, true);
    const question = budgetQuestion(v) ?? '';
    assert.match(question, /above its budget of \$0\.01: it would likely stop at the budget with trials not run\. Start it anyway\?$/);
    assert.match(forecastText(v).cost, /^\$[\d.]+ \(\$[\d.]+–\$[\d.]+\)$/);
    assert.doesNotThrow(() => EVENTS['run/status']({ runId: 'r', name: 'n', state: 'running', total: 4, done: 0, running: 0, passed: 0, failed: 0, errors: 0, spendUsd: 0, unpricedCalls: 0, ratePerMin: 0, elapsedMs: 0, asOf: 0, message: null, trials: [], etaMs: null, forecast: v, projectedUsd: null }, 'status'));
    const roomy = forecastView(forecastRun({ pairs: [pair('alpha', 'm')], history, concurrency: 1, budgetUsd: 100, price: () => 0.002 }));
    assert.equal(budgetQuestion(roomy), null, 'no question when the budget is far above the forecast');
  });

  it('durations read in seconds, minutes or hours', () => {
    assert.deepEqual([formatDuration(9_400), formatDuration(125_000), formatDuration(3_900_000)], ['9s', '2m 05s', '1h 05m']);
  });
});
