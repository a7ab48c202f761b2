import assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { buildReport } from '../../../src/core/report/json-report';
import { formatLeaderboard, leaderboardRows, LEADERBOARD_COLUMNS } from '../../../src/core/report/leaderboard';
import { formatUsd } from '../../../src/core/report/format';
import { call, realisticRun, runRecord, trial } from './fixture';

describe('report: terminal leaderboard', () => {
  it('has the agreed columns, best pass rate first, and notes simulated models and exclusions', () => {
    const f = realisticRun();
    const report = buildReport(f.run, analyseRun({ trials: f.trials, calls: f.calls, events: f.events, resamples: 100 }));
    const text = formatLeaderboard(report);
    const [header, rule, first, second] = text.split('\n');
    for (const column of LEADERBOARD_COLUMNS) assert.ok(header?.includes(column), `column ${column}`);
    assert.match(rule ?? '', /^-+( +-+)+$/);
    // explorer 5/9 = 55.6% beats direct 4/8 = 50.0%.
    assert.match(first ?? '', /^sim\/explorer +kilo +55\.6% \[26\.7–81\.1\]/);
    assert.match(second ?? '', /^sim\/direct +kilo +50\.0% \[21\.5–78\.5\]/);
    assert.match(second ?? '', / 1\/3 /); // one unsolved task of three
    assert.match(text, /Simulated models \(sim\/direct, sim\/explorer\)/);
    assert.match(text, /sim\/direct \(kilo\): 1 trial not counted in pass rates \(infra_error 1\)/);
  });

  it('mid-run: one line for the trials still to run, not a "not counted" line per model for them', () => {
    const trials = [
      trial({ id: 'a', taskId: 't', modelId: 'm1', status: 'passed' }),
      trial({ id: 'b', taskId: 'u', modelId: 'm1', status: 'queued' }),
      trial({ id: 'c', taskId: 't', modelId: 'm2', status: 'running' }),
      trial({ id: 'd', taskId: 'u', modelId: 'm2', status: 'queued' }),
      trial({ id: 'e', taskId: 'v', modelId: 'm2', status: 'infra_error' }),
    ];
    const report = buildReport(runRecord(), analyseRun({ trials, calls: [call({ trialId: 'a', seq: 1, costUsd: 0.01 })] }));
    const text = formatLeaderboard(report);
    assert.match(text, /Still to run: 3 trials \(queued 2, running 1\); the figures cover the trials that have ended\./);
    assert.match(text, /m2 \(kilo\): 1 trial not counted in pass rates \(infra_error 1\)\./);
    assert.doesNotMatch(text, /m1 \(kilo\): .*not counted/);
  });

  it('shows "unsolved" and "unpriced", never $0, for what is unknown', () => {
    const trials = [
      trial({ id: 'a', taskId: 't', modelId: 'never', status: 'failed' }),
      trial({ id: 'b', taskId: 't', modelId: 'nopr', status: 'passed' }),
    ];
    const calls = [call({ trialId: 'a', seq: 1, costUsd: 0.01 }), call({ trialId: 'b', seq: 1, costUsd: null, costSource: 'unpriced' })];
    const report = buildReport(runRecord(), analyseRun({ trials, calls }));
    const rows = leaderboardRows(report);
    const never = rows.find((r) => r[0] === 'never');
    const nopr = rows.find((r) => r[0] === 'nopr');
    // cost/attempt, cost to complete (per pass), solved-only per task, unsolved.
    assert.deepEqual(never?.slice(3, 7), ['$0.01', 'unsolved', 'unsolved', '1/1']);
    assert.deepEqual(nopr?.slice(3, 7), ['unpriced', 'unpriced', 'unpriced', '0/1']);
    assert.match(formatLeaderboard(report), /nopr \(kilo\): 1 attempt could not be priced/);
  });

  it('dollar amounts: 3 significant digits below $1 (at least cents), cents above', () => {
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(0.0123456), '$0.0123');
    assert.equal(formatUsd(0.5), '$0.50'); // never fewer than cents
    assert.equal(formatUsd(12.345), '$12.35');
    assert.equal(formatUsd(-0.02), '−$0.02');
  });
});
