/**
 * The paired comparisons of a 10,000-trial report: 5 models × 100 tasks × 20 trials, every model pair,
 * 2,000 resamples, against the same two-level bootstrap with every attempt redrawn one by one (how
 * `compareOutcomes` drew it before issue 13's speed work), in the same process.
 *
 *   node --require tsx/cjs bench/paired-bootstrap/run.ts
 *
 * Prints the median of 5 rounds, wall and CPU time, and how far apart the two methods' interval ends
 * are (in % of the interval's width).
 */
import { loadavg } from 'node:os';
import { compareOutcomes, type TaskOutcomes } from '../../src/core/analysis/compare';
import { mulberry32 } from '../../src/core/random';
import { attemptByAttemptBootstrap } from '../../test/helpers/two-level-bootstrap';

const MODELS = 5;
const TASKS = 100;
const TRIALS = 20;
const RESAMPLES = 2000;
const SEED = 20240601;

const random = mulberry32(1);
const sides: TaskOutcomes[][] = Array.from({ length: MODELS }, (_, m) => Array.from({ length: TASKS }, (_, t) => {
  const chance = Math.min(0.95, Math.max(0.05, ((t * 7) % 10) / 10 + (m - 2) * 0.05));
  const passes = Array.from({ length: TRIALS }, () => random() < chance);
  return { task: `t${String(t).padStart(3, '0')}`, passes, costs: passes.map((p) => (p ? 0.02 : 0.04) * (1 + 3 * random() ** 3)) };
}));

function attemptByAttempt(a: TaskOutcomes[], b: TaskOutcomes[]): { pass: [number, number]; cost: [number, number] } {
  return attemptByAttemptBootstrap(a, b, SEED, RESAMPLES);
}

function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = f();
  const used = process.cpuUsage(c);
  return { value, wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const fast = { wall: [] as number[], cpu: [] as number[] };
const slow = { wall: [] as number[], cpu: [] as number[] };
let worst = 0;
for (let round = 0; round < 5; round++) {
  for (let i = 0; i < MODELS; i++) {
    for (let j = i + 1; j < MODELS; j++) {
      const f = timed(() => compareOutcomes({ model: `m${i}`, harness: 'h' }, { model: `m${j}`, harness: 'h' }, sides[i]!, sides[j]!, { seed: SEED, resamples: RESAMPLES }));
      const s = timed(() => attemptByAttempt(sides[i]!, sides[j]!));
      if (j === i + 1 || round === 0) {
        for (const [got, want] of [[f.value.passRateDiff!.ci, s.value.pass], [f.value.costDiff!.ci, s.value.cost]] as const) {
          for (const k of [0, 1]) worst = Math.max(worst, Math.abs(got[k]! - want[k]!) / (want[1] - want[0]));
        }
      }
      fast.wall[round] = (fast.wall[round] ?? 0) + f.wall;
      fast.cpu[round] = (fast.cpu[round] ?? 0) + f.cpu;
      slow.wall[round] = (slow.wall[round] ?? 0) + s.wall;
      slow.cpu[round] = (slow.cpu[round] ?? 0) + s.cpu;
    }
  }
}
console.log(`10 pairs, ${RESAMPLES} resamples, median of 5 rounds:`);
console.log(`  compareOutcomes       ${median(fast.wall).toFixed(1)} ms wall, ${median(fast.cpu).toFixed(1)} ms CPU`);
console.log(`  baseline, every attempt redrawn  ${median(slow.wall).toFixed(1)} ms wall, ${median(slow.cpu).toFixed(1)} ms CPU`);
console.log(`  ratio ${(median(slow.cpu) / median(fast.cpu)).toFixed(1)}× less CPU; interval ends at most ${(worst * 100).toFixed(1)} % of the width apart (Monte-Carlo error of 2,000 resamples included)`);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
