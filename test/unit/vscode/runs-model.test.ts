import * as assert from 'node:assert/strict';
import { duration, modelNodes, money, runNode, trialNodes } from '../../../src/vscode/runs-model';
import { formatShortDate } from '../../../src/core/format';
import { run, RUN, smallRun, trial } from './fixture';

describe('Runs tree view model', () => {
  it('a finished run: name, date, pass share, spend, and a context value without resume', () => {
    const r = run();
    const node = runNode(r, smallRun(), null);
    assert.equal(node.label, 'builtin · sim/direct, sim/explorer');
    assert.equal(node.description, `${formatShortDate(r.createdAt)} · 6/8 passed (75%) · $0.16`);
    assert.equal(node.contextValue, 'run');
    assert.equal(node.state, 'some-failed');
    assert.equal(node.icon, 'error', '6 of 8 passed must not look like all passed');
    assert.match(node.tooltip, /some failed \(finished\)/);
    assert.match(node.tooltip, /harness builtin · 2 tasks × 2 models × 2 trials/);
  });

  it('the active run spins and cannot be resumed or deleted from the tree', () => {
    const trials = smallRun().map((t, i) => (i < 3 ? { ...t, status: 'queued' as const, costUsd: null } : t));
    const node = runNode(run({ status: 'running' }), trials, RUN);
    assert.equal(node.icon, 'loading~spin');
    assert.equal(node.contextValue, 'run.active');
    assert.equal(node.state, 'running');
  });

  it('a run left with unfinished trials (crash, kill) reads "interrupted" and offers resume', () => {
    const trials = smallRun().map((t, i) => (i === 0 ? { ...t, status: 'running' as const, costUsd: null } : i === 1 ? { ...t, status: 'queued' as const, costUsd: null } : t));
    const node = runNode(run({ status: 'running', finishedAt: null }), trials, null);
    assert.equal(node.contextValue, 'run.resumable');
    assert.match(node.description, / · 2 unfinished$/);
    assert.equal(node.state, 'interrupted');
    assert.equal(node.icon, 'debug-pause');
  });

  it('the icon tells all passed, some failed and errors apart', () => {
    const passed = [trial({ taskId: 'a', modelId: 'm' }), trial({ taskId: 'b', modelId: 'm' })];
    const all = runNode(run(), passed, null);
    assert.deepEqual([all.state, all.icon, all.color], ['all-passed', 'pass-filled', 'testing.iconPassed']);
    const failed = runNode(run(), [...passed, trial({ taskId: 'c', modelId: 'm', status: 'failed' })], null);
    assert.deepEqual([failed.state, failed.icon], ['some-failed', 'error']);
    const errors = runNode(run(), [...passed, trial({ taskId: 'c', modelId: 'm', status: 'infra_error', costUsd: null })], null);
    assert.deepEqual([errors.state, errors.icon], ['errors', 'warning']);
    assert.match(errors.description, /2\/2 passed \(100%\) · 1 error · /);
  });

  it('a run row and its tooltip carry the run\'s dates from the one formatter', () => {
    const r = { ...run(), createdAt: new Date(2026, 11, 3, 14, 5).toISOString(), finishedAt: new Date(2026, 11, 3, 14, 40).toISOString() };
    const node = runNode(r, [trial({ taskId: 'a', modelId: 'm', status: 'passed' })], null);
    assert.ok(node.description.startsWith(`${formatShortDate(r.createdAt)} · `), node.description);
    assert.match(node.tooltip, /started 3 Dec 2026 14:05, ended 3 Dec 2026 14:40/);
  });

  it('unpriced spend is marked, never shown as a plain total', () => {
    const trials = [trial({ taskId: 'alpha', modelId: 'm', costUsd: null, costFlags: ['unpriced'] }), trial({ taskId: 'beta', modelId: 'm', costUsd: 0.5 })];
    assert.match(runNode(run(), trials, null).description, /\$0\.50\+$/);
  });

  it('models: one node per (model, harness) with their own counts', () => {
    const nodes = modelNodes(run(), smallRun());
    assert.deepEqual(nodes.map((n) => [n.label, n.description]), [
      ['sim/direct', '4/4 passed · $0.04'],
      ['sim/explorer', '2/4 passed · $0.12'],
    ]);
    assert.equal(nodes[0]?.color, 'testing.iconPassed');
    assert.equal(nodes[1]?.color, undefined);
  });

  it('models of several harnesses carry the harness in their label', () => {
    const trials = [trial({ taskId: 'a', modelId: 'm' }), trial({ taskId: 'a', modelId: 'm', harness: 'kilo' })];
    assert.deepEqual(modelNodes(run(), trials).map((n) => n.label), ['m · builtin', 'm · kilo']);
  });

  it('trials: task and index, status icon, cost and duration; errors in the tooltip', () => {
    const nodes = trialNodes([
      trial({ taskId: 'alpha', modelId: 'm', status: 'passed', costUsd: 0.0042, durationMs: 12_300 }),
      trial({ taskId: 'beta', modelId: 'm', trialIndex: 1, status: 'infra_error', costUsd: null, durationMs: null, error: 'image build failed' }),
    ]);
    assert.equal(nodes[0]?.label, 'alpha #1');
    assert.equal(nodes[0]?.description, 'passed · $0.0042 · 12 s');
    assert.equal(nodes[0]?.icon, 'pass');
    assert.equal(nodes[1]?.label, 'beta #2');
    assert.equal(nodes[1]?.description, 'infra error · — · —');
    assert.equal(nodes[1]?.icon, 'warning');
    assert.match(nodes[1]!.tooltip, /error: image build failed/);
    assert.equal(nodes[1]?.contextValue, 'trial');
  });

  it('formats money and durations', () => {
    assert.equal(money(null), 'unpriced');
    assert.equal(money(0), '$0');
    assert.equal(money(0.00123), '$0.00123'); // the one formatter: 3 significant digits below $1
    assert.equal(money(1.5), '$1.50');
    assert.equal(duration(800), '0.8 s');
    assert.equal(duration(95_000), '1 min 35 s');
    assert.equal(money(0.5), '$0.50');
    assert.equal(duration(3_720_000), '1 h 02 min');
  });
});
