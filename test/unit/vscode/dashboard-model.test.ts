import * as assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { buildReport } from '../../../src/core/report/json-report';
import { dashboardView, pairTrials, trialsPerPairText } from '../../../src/vscode/dashboard-model';
import { run, smallRun, trial } from './fixture';
import { EVENTS } from '../../../src/protocol';

function view(trials = smallRun(), live = false) {
  return dashboardView(buildReport(run(), analyseRun({ trials })), live);
}

describe('dashboard view model', () => {
  it('leaderboard: best pass rate first, formatted like the CLI, simulated and Pareto marked', () => {
    const v = view();
    // Cost to complete is spend per pass (explorer: $0.12 over 2 passes); solved-only beside it.
    assert.deepEqual(v.leaderboard.map((r) => [r.label, r.passRateText, `${r.passed}/${r.attempts}`, r.costPerAttemptText, r.costToCompleteText, r.solvedOnlyText, r.unsolvedText]), [
      ['sim/direct', '100%', '4/4', '$0.01', '$0.01', '$0.01', '0/2'],
      ['sim/explorer', '50%', '2/4', '$0.03', '$0.06', '$0.03', '1/2'],
    ]);
    assert.ok(v.leaderboard.every((r) => r.simulated));
    assert.equal(v.leaderboard[0]?.onPareto, true);
    assert.equal(v.leaderboard[1]?.onPareto, false);
    assert.match(v.leaderboard[0]!.ciText, /^\[\d+–100%\]$/);
    assert.deepEqual(v.leaderboard.map((r) => r.series), [0, 1]);
  });

  it('charts: one group per model in leaderboard order, the front, and only the tool categories used', () => {
    const v = view();
    assert.deepEqual(v.chart.groups.map((g) => [g.label, g.cost, g.passRate]), [['sim/direct', 0.01, 1], ['sim/explorer', 0.06, 0.5]]);
    assert.deepEqual(v.chart.front, [{ x: 0.01, y: 1 }]);
    assert.equal(v.chart.groups[1]?.completion.state, 'ok');
    assert.equal(v.chart.groups[1]?.completion.unsolved, 1);
  });

  it('heatmap: tasks × models with passes/attempts, and a click finds the pair\'s trials', () => {
    const v = view();
    assert.deepEqual(v.heatmap.tasks, ['alpha', 'beta']);
    assert.deepEqual(v.heatmap.groups.map((g) => g.label), ['sim/direct', 'sim/explorer']);
    assert.deepEqual(v.heatmap.cells.map((row) => row.map((c) => c?.text)), [['2/2', '2/2'], ['2/2', '0/2']]);
    assert.equal(v.heatmap.cells[1]?.[1]?.passRate, 0);
    assert.match(v.heatmap.cells[1]![1]!.title, /beta · sim\/explorer: 0 of 2 attempts passed/);
    const rows = pairTrials(smallRun(), 'beta', 'sim/explorer', 'builtin');
    assert.deepEqual(rows.map((r) => [r.label, r.status, r.costText]), [['beta #1', 'failed', '$0.03'], ['beta #2', 'failed', '$0.03']]);
  });

  it('complementarity in words, totals, notes about simulated models', () => {
    const v = view();
    assert.equal(v.complementarity.lines[0], '2 of 2 task(s) solved by some model; 0 by none.');
    assert.match(v.complementarity.lines[1]!, /^Best single model: sim\/direct at 100\.0%\.$/);
    assert.deepEqual(v.complementarity.uniqueSolves, [{ task: 'beta', label: 'sim/direct' }]);
    assert.deepEqual(v.totals, { trials: 8, attempts: 8, excluded: 0, spendText: '$0.16' });
    assert.ok(v.notes.some((n) => /Simulated models/.test(n)));
    assert.equal(v.live, false);
    assert.match(v.subtitle, /^run run-.* · harness builtin · 2 trials per task and model · finished$/);
  });

  it('a task never solved reads "unsolved", never $0; excluded trials are counted apart', () => {
    const trials = [
      trial({ taskId: 'alpha', modelId: 'm', status: 'failed', costUsd: 0.02 }),
      trial({ taskId: 'alpha', modelId: 'm', trialIndex: 1, status: 'infra_error', costUsd: 0 }),
    ];
    const v = view(trials);
    assert.equal(v.leaderboard[0]?.costToCompleteText, 'unsolved');
    assert.equal(v.leaderboard[0]?.unsolvedText, '1/1');
    assert.equal(v.totals.excluded, 1);
    assert.equal(v.heatmap.cells[0]?.[0]?.text, '0/1');
  });

  it('a live run says so; the view passes the protocol\'s own check', () => {
    const v = view(smallRun(), true);
    assert.equal(v.live, true);
    assert.match(v.subtitle, / · running$/);
    assert.doesNotThrow(() => EVENTS['dashboard/data'](JSON.parse(JSON.stringify(v)), 'dashboard'));
  });

  it('a comparison of runs (the core merges them into one record) lists every run id', () => {
    const v = dashboardView(buildReport(run({ id: 'run-a+run-b', name: 'A vs B' }), analyseRun({ trials: smallRun() })), false);
    assert.deepEqual(v.runIds, ['run-a', 'run-b']);
    assert.match(v.subtitle, /^2 runs · /);
    assert.equal(v.title, 'A vs B');
  });

  it("a comparison's header counts the trials per task and model the runs really hold", () => {
    // smallRun: 2 trials of each (task, model); one more pair with a single trial, as a 1-trial run would add.
    const mixed = [...smallRun(), trial({ taskId: 'gamma', modelId: 'sim/other' })];
    const report = buildReport({ ...run(), plan: { ...run().plan, trialsPerPair: 1 } }, analyseRun({ trials: mixed }));
    assert.equal(trialsPerPairText(report), '1–2 trials per task and model');
    assert.match(dashboardView(report, false).subtitle, / · 1–2 trials per task and model · /);
    assert.equal(trialsPerPairText(buildReport(run(), analyseRun({ trials: smallRun() }))), '2 trials per task and model');
  });
});
