import assert from 'node:assert/strict';
import type { Forecast, PairForecast } from '../../../src/core/analysis/forecast';
import { formatForecast } from '../../../src/core/report/estimate';

function pair(task: string, model: string, harness: string, expected: number, source: PairForecast['source'] = 'prices'): PairForecast {
  return {
    task, model, harness, trials: 1, source, pastTrials: source === 'history' ? 3 : 0,
    costPerTrial: { expected, low: expected / 2, high: expected * 2 },
    durationPerTrialMs: { expected: 30_000, low: 10_000, high: 90_000 },
  };
}

describe('forecast text', () => {
  const pairs = ['a', 'b', 'c'].flatMap((task, i) => ['kilo', 'builtin'].flatMap((harness) => ['sim/direct', 'sim/flaky'].map((model) =>
    pair(task, model, harness, 0.01 * (i + 1), harness === 'kilo' && task === 'a' ? 'history' : 'prices'))));
  const forecast: Forecast = {
    pairs, trials: pairs.length,
    costUsd: { expected: 0.24, low: 0.12, high: 0.48 },
    durationMs: { expected: 125_000, low: 60_000, high: 400_000 },
    budget: null,
  };

  it('reads as one line per model and harness, naming the harness, not one per task', () => {
    const text = formatForecast(forecast);
    const groupLines = text.split('\n').filter((l) => / · (kilo|builtin) /.test(l));
    assert.equal(groupLines.length, 4, text);
    assert.doesNotMatch(text, /\ba · sim/, 'no per-task lines');
    const kiloDirect = groupLines.find((l) => l.includes('sim/direct · kilo'));
    // Mean of the tasks' expected figures ($0.01, $0.02, $0.03), lowest low, highest high; the source mix and past trials.
    assert.match(kiloDirect ?? '', /3 trials, \$0\.02\d* \[\$0\.005\d*–\$0\.06\d*\] per trial \(3 tasks; history 1, prices 2, 3 past trials\)/, text);
    assert.match(text, /sim\/flaky · builtin +3 trials, .* \(3 tasks; prices\)/, text);
  });

  it('gives durations in the one duration format', () => {
    assert.match(formatForecast(forecast), /wall time {2}2 min 05 s expected, 1 min 00 s–6 min 40 s/);
  });
});
