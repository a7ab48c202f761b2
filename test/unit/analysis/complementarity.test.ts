import assert from 'node:assert/strict';
import { complementarity, routeTask } from '../../../src/core/analysis/complementarity';
import { pairStats, type PairStats } from '../../../src/core/analysis/cost';
import { trialFacts } from '../../../src/core/analysis/trials';
import type { TrialStatus } from '../../../src/core/domain';
import { trial } from '../report/fixture';

function near(actual: unknown, expected: number, message = ''): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${message} expected ${expected}, got ${String(actual)}`);
}

/** A (task, model) cell from a pass/fail string ("PPF") at a fixed cost per attempt. */
function cell(task: string, model: string, outcomes: string, cost: number | null): PairStats {
  const trials = [...outcomes].map((o, i) => trial({
    id: `${task}-${model}-${i}`, taskId: task, modelId: model, trialIndex: i, costUsd: cost,
    status: (o === 'P' ? 'passed' : o === 'X' ? 'infra_error' : 'failed') as TrialStatus,
  }));
  return pairStats(task, { model, harness: 'kilo' }, trialFacts(trials, undefined, undefined));
}

const A = { model: 'a', harness: 'kilo' };
const B = { model: 'b', harness: 'kilo' };
const C = { model: 'c', harness: 'kilo' };

describe('analysis: complementarity', () => {
  it('the router picks the cheapest solver, not the cheapest model', () => {
    // c is cheapest per attempt but never solves; a: $1 per attempt, 1/2 → $2 to complete;
    // b: $1.50 per attempt, 2/2 → $1.50 to complete. Cheapest solver: b.
    const choice = routeTask([cell('t', 'a', 'PF', 1), cell('t', 'b', 'PP', 1.5), cell('t', 'c', 'FF', 0.1)]);
    assert.equal(choice?.model, 'b');
    assert.equal(choice?.reason, 'cheapest-solver');
    near(choice?.costToComplete, 1.5);
  });

  it('on a task nobody solves the router takes the cheapest attempt; unknown costs are not compared', () => {
    const none = routeTask([cell('t', 'a', 'FF', 1), cell('t', 'b', 'FF', 0.2)]);
    assert.equal(none?.model, 'b');
    assert.equal(none?.reason, 'cheapest-attempt');
    // a's cost is unknown: b is the only solver with a known cost, though a solves more often.
    const unknown = routeTask([cell('t', 'a', 'PP', null), cell('t', 'b', 'PF', 5)]);
    assert.equal(unknown?.model, 'b');
    // No solver's cost known: the best pass rate, cost unknown.
    const blind = routeTask([cell('t', 'a', 'PP', null), cell('t', 'b', 'PF', null)]);
    assert.equal(blind?.model, 'a');
    assert.equal(blind?.reason, 'best-pass-rate');
    assert.equal(blind?.costToComplete, null);
  });

  it('oracle, best single model, gain, exactly-one solvers and the router (hand computation)', () => {
    //        t1        t2        t3
    //   a   PP  $1    FF  $1    PF  $1
    //   b   PF  $0.5  PF  $0.5  FF  $0.5
    //   c   FF  $0.1  FF  $0.1  FF  $0.1
    const cells = [
      cell('t1', 'a', 'PP', 1), cell('t1', 'b', 'PF', 0.5), cell('t1', 'c', 'FF', 0.1),
      cell('t2', 'a', 'FF', 1), cell('t2', 'b', 'PF', 0.5), cell('t2', 'c', 'FF', 0.1),
      cell('t3', 'a', 'PF', 1), cell('t3', 'b', 'FF', 0.5), cell('t3', 'c', 'FF', 0.1),
    ];
    const c = complementarity([A, B, C], cells);
    assert.equal(c.tasksConsidered, 3);
    assert.equal(c.tasksSolvedByAny, 3);
    assert.equal(c.tasksSolvedByNone, 0);
    // t2 only by b, t3 only by a.
    assert.deepEqual(c.solvedByExactlyOne, [{ task: 't2', ...B }, { task: 't3', ...A }]);
    // Oracle: max per task = 1, 0.5, 0.5 → 2/3.
    near(c.oraclePassRate, 2 / 3);
    // a: (1 + 0 + 0.5)/3 = 0.5; b: (0.5 + 0.5 + 0)/3 = 1/3; c: 0 → best a at 0.5; gain 1/6.
    assert.equal(c.bestSingle?.model, 'a');
    near(c.bestSingle?.passRate, 0.5);
    near(c.oracleGain, 2 / 3 - 0.5);
    // Router: t1 a costs $1/1 = $1, b $0.5/0.5 = $1 → tie on cost, a has the higher pass rate;
    // t2 b ($1); t3 a ($2). Pass rate (1 + 0.5 + 0.5)/3; cost per attempt (1 + 0.5 + 1)/3;
    // cost to complete (1 + 1 + 2)/3.
    assert.deepEqual(c.router.choices.map((x) => x.model), ['a', 'b', 'a']);
    near(c.router.passRate, 2 / 3);
    near(c.router.costPerAttempt, 2.5 / 3);
    near(c.router.costToComplete, 4 / 3);
    assert.equal(c.router.solvedTasks, 3);
  });

  it('tasks some model never attempted are left out and listed', () => {
    const cells = [
      cell('t1', 'a', 'P', 1), cell('t1', 'b', 'F', 1),
      cell('t2', 'a', 'P', 1), cell('t2', 'b', 'X', 1), // b's only trial was an infrastructure error
      cell('t3', 'a', 'F', 1),
    ];
    const c = complementarity([A, B], cells);
    assert.equal(c.tasksConsidered, 1);
    assert.deepEqual(c.tasksSkipped, ['t2', 't3']);
    near(c.oraclePassRate, 1);
  });

  it('a task nobody solves counts against the oracle and the router; router cost unsolved when nothing is solved', () => {
    const c = complementarity([A, B], [cell('t1', 'a', 'FF', 1), cell('t1', 'b', 'FF', 2)]);
    assert.equal(c.tasksSolvedByNone, 1);
    near(c.oraclePassRate, 0);
    near(c.router.passRate, 0);
    assert.equal(c.router.costToComplete, 'unsolved');
    assert.deepEqual(c.solvedByExactlyOne, []);
  });
});
