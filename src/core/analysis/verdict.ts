/**
 * What a paired comparison lets a user say: "A passes more often than B" only when the paired
 * bootstrap interval of the difference excludes 0, else "no detectable difference at N trials";
 * and, for an undetected difference, about how many more trials per task would detect it at the
 * usual 95 % confidence / 80 % power.
 */
import type { Comparison, Difference } from './compare';

/** z for a two-sided 95 % test plus z for 80 % power: the difference must be this many standard errors. */
export const Z_ALPHA = 1.959963984540054;
export const Z_POWER = 0.8416212335729143;

export interface DifferenceVerdict {
  /** `a` / `b`: that side is ahead and the interval excludes 0; `none`: no detectable difference. */
  ahead: 'a' | 'b' | 'none';
  /**
   * For `none`: extra trials per task (beyond `trialsPerTask`) that would make a difference of the
   * observed size detectable, assuming the standard error shrinks as 1/√(trials per task); null when
   * the observed difference is 0 (nothing to detect) or there is no interval.
   */
  moreTrialsPerTask: number | null;
}

/** Standard error implied by a percentile interval (its half-width over z). */
function standardError(d: Difference): number {
  return (d.ci[1] - d.ci[0]) / (2 * Z_ALPHA);
}

export function differenceVerdict(d: Difference | null, trialsPerTask: number): DifferenceVerdict | null {
  if (d === null) return null;
  if (d.ci[0] > 0) return { ahead: 'a', moreTrialsPerTask: null };
  if (d.ci[1] < 0) return { ahead: 'b', moreTrialsPerTask: null };
  const se = standardError(d);
  if (d.estimate === 0 || se === 0 || trialsPerTask <= 0) return { ahead: 'none', moreTrialsPerTask: null };
  const needed = trialsPerTask * ((se * (Z_ALPHA + Z_POWER)) / Math.abs(d.estimate)) ** 2;
  return { ahead: 'none', moreTrialsPerTask: Math.max(1, Math.ceil(needed - trialsPerTask)) };
}

/** The comparison in words, e.g. "sim/a passes more often than sim/b" or "no detectable difference in pass rate at 3 trials per task (about 9 more trials per task to tell them apart)". */
export function describeComparison(c: Comparison, trialsPerTask: number, label: (g: Comparison['a']) => string): string[] {
  const lines: string[] = [];
  const pass = differenceVerdict(c.passRateDiff, trialsPerTask);
  const cost = differenceVerdict(c.costDiff, trialsPerTask);
  const more = (v: DifferenceVerdict) => (v.moreTrialsPerTask === null ? '' : ` (about ${v.moreTrialsPerTask} more trial(s) per task to tell them apart)`);
  if (pass) {
    lines.push(pass.ahead === 'none'
      ? `pass rate: no detectable difference at ${trialsPerTask} trial(s) per task over ${c.tasks} shared task(s)${more(pass)}`
      : `pass rate: ${label(pass.ahead === 'a' ? c.a : c.b)} passes more often than ${label(pass.ahead === 'a' ? c.b : c.a)} (paired test on ${c.tasks} shared task(s))`);
  }
  if (cost) {
    // Cost: A − B below 0 means A is cheaper, so the side "ahead" on the difference is the dearer one.
    lines.push(cost.ahead === 'none'
      ? `cost per attempt: no detectable difference at ${trialsPerTask} trial(s) per task${more(cost)}`
      : `cost per attempt: ${label(cost.ahead === 'a' ? c.b : c.a)} is cheaper than ${label(cost.ahead === 'a' ? c.a : c.b)} (paired test on ${c.tasks} shared task(s))`);
  }
  return lines;
}
