import * as assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { complementarityFacts, heatCellText, heatCellTitle, heatLevel, LEADERBOARD_FIGURES, orderedModels, runSubtitle } from '../../../src/core/report/figures';
import { buildReport } from '../../../src/core/report/json-report';
import { dashboardView, pairTrials, workspacesIn } from '../../../src/vscode/dashboard-model';
import { run, smallRun, trial } from './fixture';
import { EVENTS } from '../../../src/protocol';

function view(trials = smallRun(), live = false) {
  return dashboardView(buildReport(run(), analyseRun({ trials })), live);
}

/** The leaderboard's figures as the dashboard lays them out (the webview calls the same functions). */
function leaderboard(v: ReturnType<typeof view>): string[][] {
  return orderedModels(v.report).map((m) => [m.model, ...LEADERBOARD_FIGURES.map((c) => c.text(m))]);
}

describe('dashboard view model', () => {
  it('is the report itself: best pass rate first, formatted like the CLI, simulated and Pareto marked', () => {
    const v = view();
    // Cost to complete is spend per pass (explorer: $0.12 over 2 passes); solved-only beside it.
    assert.deepEqual(leaderboard(v), [
      ['sim/direct', '100.0% [51.0–100.0]', '$0.01', '$0.01', '$0.01', '0/2', '0.0', '0%'],
      ['sim/explorer', '50.0% [15.0–85.0]', '$0.03', '$0.06', '$0.03', '1/2', '0.0', '50%'],
    ]);
    const models = orderedModels(v.report);
    assert.ok(models.every((m) => m.simulated));
    assert.deepEqual(models.map((m) => m.onPareto), [true, false]);
  });

  it('heatmap: passes/attempts on a sequential scale where 1 of 3 is two levels above 0 of 3; a click finds the pair\'s trials', () => {
    const v = view();
    const beta = v.report.tasks.find((t) => t.task === 'beta');
    const cell = beta?.results.find((r) => r.model === 'sim/explorer');
    assert.ok(cell);
    assert.equal(heatCellText(cell), '0/2');
    assert.match(heatCellTitle('beta', 'sim/explorer', cell), /^beta · sim\/explorer: 0 of 2 attempts passed; 0\.0% \[/);
    assert.deepEqual([0, 1 / 3, 0.5, 2 / 3, 1].map(heatLevel), [0, 2, 3, 3, 5]);
    const rows = pairTrials(smallRun(), 'beta', 'sim/explorer', 'builtin');
    assert.deepEqual(rows.map((r) => [r.label, r.status, r.costText]), [['beta #1', 'failed', '$0.03'], ['beta #2', 'failed', '$0.03']]);
  });

  it('complementarity in words without "(s)", and the run line', () => {
    const v = view();
    assert.deepEqual(complementarityFacts(v.report)[1], ['solved by some model', '2 of 2; by none: 0']);
    assert.match(complementarityFacts(v.report)[5]?.[1] ?? '', /over all 2 tasks/);
    assert.match(runSubtitle(v.report).join(' · '), /^run run-.* · harness builtin · 2 trials per task and model · finished$/);
  });

  it('a task never solved reads "unsolved", never $0', () => {
    const trials = [
      trial({ taskId: 'alpha', modelId: 'm', status: 'failed', costUsd: 0.02 }),
      trial({ taskId: 'alpha', modelId: 'm', trialIndex: 1, status: 'infra_error', costUsd: 0 }),
    ];
    const v = view(trials);
    assert.deepEqual(leaderboard(v)[0]?.slice(3, 6), ['unsolved', 'unsolved', '1/1']);
    assert.equal(v.report.run.totals.excluded, 1);
  });

  it('a live run says so; the view passes the protocol\'s own check', () => {
    const v = view(smallRun(), true);
    assert.equal(v.live, true);
    assert.doesNotThrow(() => EVENTS['dashboard/data'](JSON.parse(JSON.stringify(v)), 'dashboard'));
    assert.throws(() => EVENTS['dashboard/data']({ ...JSON.parse(JSON.stringify(v)), report: { run: {} } }, 'dashboard'), /report/);
  });

  it('a comparison of runs (the core merges them into one record) lists every run id', () => {
    const v = dashboardView(buildReport(run({ id: 'run-a+run-b', name: 'A vs B' }), analyseRun({ trials: smallRun() })), false);
    assert.deepEqual(v.runIds, ['run-a', 'run-b']);
    assert.match(runSubtitle(v.report)[0] ?? '', /^2 runs$/);
  });

  it('offers a workspace filter only for workspaces whose mined tasks ran here', () => {
    const mined = [{ name: 'repo', tasks: ['beta', 'repo-fix-3'] }, { name: 'other', tasks: ['x'] }];
    assert.deepEqual(workspacesIn(smallRun(), mined), [{ name: 'repo', tasks: ['beta'] }]);
  });

  it("a comparison's header counts the trials per task and model the runs really hold", () => {
    // smallRun: 2 trials of each (task, model); one more pair with a single trial, as a 1-trial run would add.
    const mixed = [...smallRun(), trial({ taskId: 'gamma', modelId: 'sim/other' })];
    const report = buildReport({ ...run(), plan: { ...run().plan, trialsPerPair: 1 } }, analyseRun({ trials: mixed }));
    assert.match(runSubtitle(report).join(' · '), / · 1–2 trials per task and model · /);
    assert.match(runSubtitle(buildReport(run(), analyseRun({ trials: smallRun() }))).join(' · '), / · 2 trials per task and model · /);
  });
});
