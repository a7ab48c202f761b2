import assert from 'node:assert/strict';
import { paretoFront } from '../../../src/core/analysis/pareto';

const p = (model: string, cost: number | null, passRate: number | null) => ({ model, harness: 'kilo', cost, passRate });

describe('analysis: Pareto front', () => {
  it('keeps the points nothing beats on both cost and pass rate, cheapest first', () => {
    // a ($1, 50%) and c ($3, 90%) are on the front; b ($2, 40%) is beaten by a (cheaper and better);
    // d ($3, 80%) is beaten by c (same cost, better).
    const front = paretoFront([p('b', 2, 0.4), p('c', 3, 0.9), p('a', 1, 0.5), p('d', 3, 0.8)]);
    assert.deepEqual(front.filter((x) => x.onFront).map((x) => x.model), ['a', 'c']);
    assert.deepEqual(front.find((x) => x.model === 'b')?.dominatedBy.map((x) => x.model), ['a']); // c costs more than b
    assert.deepEqual(front.find((x) => x.model === 'd')?.dominatedBy.map((x) => x.model), ['c']);
  });

  it('equal points do not dominate each other: ties are both on the front', () => {
    const front = paretoFront([p('x', 1, 0.5), p('y', 1, 0.5), p('z', 2, 0.5)]);
    assert.deepEqual(front.filter((x) => x.onFront).map((x) => x.model), ['x', 'y']);
    // z costs more for the same pass rate: dominated by both.
    assert.deepEqual(front.find((x) => x.model === 'z')?.dominatedBy.map((x) => x.model), ['x', 'y']);
  });

  it('same cost, different pass rate: only the better one; same pass rate, cheaper wins', () => {
    assert.deepEqual(paretoFront([p('lo', 1, 0.2), p('hi', 1, 0.6)]).filter((x) => x.onFront).map((x) => x.model), ['hi']);
    assert.deepEqual(paretoFront([p('dear', 2, 0.6), p('cheap', 1, 0.6)]).filter((x) => x.onFront).map((x) => x.model), ['cheap']);
  });

  it('a point with an unknown cost or no attempts is not placed and dominates nothing', () => {
    const front = paretoFront([p('priced', 1, 0.5), p('unpriced', null, 1), p('idle', 0.5, null)]);
    assert.deepEqual(front.filter((x) => x.onFront).map((x) => x.model), ['priced']);
    assert.equal(front.find((x) => x.model === 'unpriced')?.unplaced, 'cost-unknown');
    assert.equal(front.find((x) => x.model === 'idle')?.unplaced, 'no-attempts');
  });

  it('a single point is its own front; no points, no front', () => {
    assert.equal(paretoFront([p('only', 0, 0)])[0]?.onFront, true);
    assert.deepEqual(paretoFront([]), []);
  });
});
