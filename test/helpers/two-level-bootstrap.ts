/**
 * The paired two-level bootstrap as src/core/analysis/README.md defines it, every attempt redrawn one
 * by one: how `compareOutcomes` drew it before issue 13's speed work. Slow on purpose; the reference
 * that the unit test and `bench/paired-bootstrap` hold the fast draws against.
 */
import type { TaskOutcomes } from '../../src/core/analysis/compare';
import { quantile } from '../../src/core/analysis/stats';
import { mulberry32 } from '../../src/core/random';

export function attemptByAttemptBootstrap(a: TaskOutcomes[], b: TaskOutcomes[], seed: number, resamples: number): { pass: [number, number]; cost: [number, number] } {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));
  const pass = new Float64Array(resamples);
  const cost = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let p = 0;
    let c = 0;
    for (let i = 0; i < a.length; i++) {
      const t = pick(a.length);
      for (const [side, sign] of [[a[t]!, 1], [b[t]!, -1]] as const) {
        const n = side.passes.length;
        let passed = 0;
        let spent = 0;
        for (let k = 0; k < n; k++) {
          const j = pick(n);
          if (side.passes[j]) passed += 1;
          spent += side.costs[j]!;
        }
        p += (sign * passed) / n;
        c += (sign * spent) / n;
      }
    }
    pass[r] = p / a.length;
    cost[r] = c / a.length;
  }
  const interval = (xs: Float64Array): [number, number] => [quantile([...xs], 0.025)!, quantile([...xs], 0.975)!];
  return { pass: interval(pass), cost: interval(cost) };
}
