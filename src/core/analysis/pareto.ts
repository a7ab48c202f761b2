/**
 * The cost / pass-rate Pareto front: the groups no other group beats on both cost (lower is
 * better) and pass rate (higher is better). The analysis places each group at its headline cost to
 * complete (spend per pass), so a model cannot reach the front by failing.
 */
import { compareText, type GroupKey } from './trials';

export interface ParetoInput extends GroupKey {
  /** Cost in USD (the analysis gives cost per pass); null when unknown (such a point cannot be placed). */
  cost: number | null;
  /** Attempted but never passed: no cost per pass, so not placed (it is beaten by every solver). */
  unsolved?: boolean;
  /** 95 % intervals, when known: a dominated point whose box overlaps a dominator's is marked `withinNoise`. */
  costCI?: [number, number] | null;
  passRateCI?: [number, number];
  /** null with no attempts. */
  passRate: number | null;
}

export interface ParetoPoint extends GroupKey {
  cost: number | null;
  passRate: number | null;
  onFront: boolean;
  /** A point that beats this one (for a dominated point), as "model · harness" keys. */
  dominatedBy: GroupKey[];
  /**
   * Dominated on the point estimates, but its 95 % intervals overlap those of a point that
   * dominates it: the data cannot tell them apart (the front itself is on point estimates).
   */
  withinNoise?: boolean;
  /** Why a point is not placed at all (`cost-unknown`, `no-attempts`, `unsolved`). */
  unplaced?: 'cost-unknown' | 'no-attempts' | 'unsolved';
}

/**
 * a dominates b when a.cost ≤ b.cost and a.passRate ≥ b.passRate with at least one strict. Equal
 * points do not dominate each other, so ties are both on the front. Returns every point, the front
 * first in ascending cost (ties: higher pass rate first, then name), then the rest.
 */
export function paretoFront(points: readonly ParetoInput[]): ParetoPoint[] {
  const placed = points.filter((p): p is ParetoInput & { cost: number; passRate: number } => p.cost !== null && p.passRate !== null && !p.unsolved);
  const overlaps = (a?: readonly [number, number] | null, b?: readonly [number, number] | null) => Boolean(a && b && a[0] <= b[1] && b[0] <= a[1]);
  const result: ParetoPoint[] = points.map(({ unsolved, costCI, passRateCI, ...p }) => {
    if (p.passRate === null) return { ...p, onFront: false, dominatedBy: [], unplaced: 'no-attempts' as const };
    if (unsolved) return { ...p, cost: null, onFront: false, dominatedBy: [], unplaced: 'unsolved' as const };
    if (p.cost === null) return { ...p, onFront: false, dominatedBy: [], unplaced: 'cost-unknown' as const };
    const cost = p.cost;
    const rate = p.passRate;
    const dominators = placed.filter((q) => q.cost <= cost && q.passRate >= rate && (q.cost < cost || q.passRate > rate));
    const dominatedBy = dominators.map((q) => ({ model: q.model, harness: q.harness }));
    const withinNoise = dominators.some((q) => overlaps(q.costCI, costCI) && overlaps(q.passRateCI, passRateCI));
    return { ...p, onFront: dominatedBy.length === 0, dominatedBy, ...(withinNoise ? { withinNoise } : {}) };
  });
  const order = (a: ParetoPoint, b: ParetoPoint): number =>
    Number(b.onFront) - Number(a.onFront) ||
    (a.cost ?? Infinity) - (b.cost ?? Infinity) ||
    (b.passRate ?? -1) - (a.passRate ?? -1) ||
    compareText(a.model, b.model) ||
    compareText(a.harness, b.harness);
  return result.sort(order);
}
