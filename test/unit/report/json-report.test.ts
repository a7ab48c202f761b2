import assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { buildReport, reportJson } from '../../../src/core/report/json-report';
import { realisticRun, simPrice } from './fixture';

function report() {
  const f = realisticRun();
  return buildReport(f.run, analyseRun({ trials: f.trials, calls: f.calls, events: f.events, pricer: (u, c) => simPrice(c.requestedModel, u), resamples: 200 }));
}

const keys = (o: object) => Object.keys(o).sort();

describe('report: JSON', () => {
  it('has exactly the issue’s shape (plus the documented additions)', () => {
    const r = report();
    assert.deepEqual(keys(r), ['comparisons', 'complementarity', 'harnessVersions', 'models', 'pareto', 'run', 'tasks', 'version']);
    assert.deepEqual(keys(r.run), [
      'analysis', 'createdAt', 'finishedAt', 'generatedAt', 'harness', 'id', 'name', 'plannedModels', 'plannedTasks', 'prices',
      'simulated', 'simulatedModels', 'status', 'totals', 'trialsPerPair',
    ]);
    const m = r.models[0];
    assert.ok(m);
    assert.deepEqual(keys(m), [
      'attempts', 'costFlags', 'costPerAttempt', 'costToComplete', 'excluded', 'excludedByStatus', 'excludedSpendUsd', 'failedSpendShare',
      'fingerprint', 'harness', 'model', 'onPareto', 'paretoWithinNoise', 'passAtK', 'passRate', 'passRateCI', 'passed', 'simulated', 'spendUsd',
      'tasks', 'tokens', 'unpricedAttempts',
    ]);
    assert.deepEqual(keys(m.costPerAttempt), ['mean', 'median', 'p90']);
    assert.deepEqual(keys(m.costToComplete), ['empirical', 'expected', 'expectedTotal', 'perPass', 'perPassCI', 'solvedTasks', 'unattemptedTasks', 'unsolvedTasks']);
    assert.deepEqual(keys(m.tokens), ['cacheRead', 'cacheWrite', 'input', 'output', 'reasoning']);
    assert.equal(m.passRateCI.length, 2);
    assert.deepEqual(keys(m.fingerprint), [
      'cacheHitShare', 'llmCalls', 'llmCallsPerAttempt', 'meanCommandLength', 'readWriteRatio', 'reasoningShare',
      'resentContextShare', 'spendSplit', 'timeoutRate', 'timeouts', 'toolCalls', 'toolCallsPerAttempt', 'trials', 'wallTime',
    ]);
    const t = r.tasks[0];
    assert.ok(t);
    assert.deepEqual(keys(t), ['results', 'solvedBy', 'task']);
    assert.deepEqual(keys(t.results[0] ?? {}), [
      'attempts', 'costPerAttempt', 'costToComplete', 'excluded', 'excludedByStatus', 'harness', 'model', 'passAtK', 'passRate',
      'passRateCI', 'passed', 'spendUsd', 'unpricedAttempts',
    ]);
    assert.deepEqual(keys(r.complementarity), [
      'bestSingle', 'oracleGain', 'oraclePassRate', 'router', 'solvedByExactlyOne', 'tasksConsidered', 'tasksSkipped',
      'tasksSolvedByAny', 'tasksSolvedByNone',
    ]);
    assert.deepEqual(keys(r.pareto[0] ?? {}), ['costPerAttempt', 'costToComplete', 'harness', 'model', 'passRate']);
  });

  it('round-trips through JSON unchanged, with "unsolved" as a string and unknown values as null', () => {
    const r = report();
    assert.deepEqual(JSON.parse(reportJson(r)), r);
    assert.ok(reportJson(r).endsWith('}\n'));
    const tricky = r.tasks.find((t) => t.task.includes('<b>'));
    const direct = tricky?.results.find((x) => x.model === 'sim/direct');
    assert.equal(direct?.costToComplete.expected, 'unsolved');
  });

  it('says the run is simulated and which models are', () => {
    const r = report();
    assert.equal(r.run.simulated, true);
    assert.deepEqual(r.run.simulatedModels, ['sim/direct', 'sim/explorer']);
    assert.ok(r.models.every((m) => m.simulated));
  });

  it('the pareto list holds only front points, by ascending cost', () => {
    const r = report();
    assert.deepEqual(r.pareto.map((p) => p.model), r.models.filter((m) => m.onPareto).sort((a, b) => (a.costPerAttempt.mean ?? 0) - (b.costPerAttempt.mean ?? 0)).map((m) => m.model));
  });
});
