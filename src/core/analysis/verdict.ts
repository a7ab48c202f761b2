/**
 * What a paired comparison lets a user say: that one side is ahead only when the paired bootstrap
 * interval of the difference excludes 0 (the words are `describeComparison` in report/figures.ts);
 * and, for an undetected difference, about how many more trials per task would detect it at the
 * usual 95 % confidence / 80 % power.
 */
import type { Difference } from './compare';

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
