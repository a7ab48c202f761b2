/** Number formats shared by the terminal table and the HTML report. */
import type { CompletionCost } from '../analysis/cost';
import type { GroupKey } from '../analysis/trials';
import type { ReportModel } from './json-report';

/** Dollars: 2 decimals from $1, else 3 significant digits ($0.0123); "$0" for exactly 0. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  const sign = value < 0 ? '−' : '';
  const v = Math.abs(value);
  if (v >= 1) return `${sign}$${v.toFixed(2)}`;
  return `${sign}$${Number(v.toPrecision(3)).toString()}`;
}

/** A cost that may be unknown: `unknown` text for null. */
export function formatCost(value: number | null, unknown = 'unpriced'): string {
  return value === null ? unknown : formatUsd(value);
}

export function formatCompletion(value: CompletionCost, unknown = 'unpriced'): string {
  if (value === 'unsolved') return 'unsolved';
  return formatCost(value, unknown);
}

export function formatPercent(value: number | null, digits = 1): string {
  return value === null ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/** "66.7% [20.8–93.9]" */
export function formatPassRate(rate: number | null, ci: readonly [number, number]): string {
  if (rate === null) return '—';
  return `${formatPercent(rate)} [${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}]`;
}

export function formatNumber(value: number | null, digits = 1): string {
  return value === null ? '—' : value.toFixed(digits);
}

/** Signed difference in percentage points: "+12.5 pts". */
export function formatPoints(value: number): string {
  const pts = value * 100;
  return `${pts >= 0 ? '+' : '−'}${Math.abs(pts).toFixed(1)} pts`;
}

export function formatSignedUsd(value: number): string {
  return value >= 0 ? `+${formatUsd(value)}` : formatUsd(value);
}

/** Model name, with the harness when the report mixes harnesses. */
export function groupLabel(group: GroupKey, showHarness: boolean): string {
  return showHarness ? `${group.model} · ${group.harness}` : group.model;
}

export function mixesHarnesses(groups: readonly GroupKey[]): boolean {
  return new Set(groups.map((g) => g.harness)).size > 1;
}

/** A completion cost as a sort key: dollars, then unknown, then unsolved (never cheaper than a known cost). */
export function completionSortKey(value: CompletionCost): number {
  if (typeof value === 'number') return value;
  return value === null ? Number.MAX_VALUE : Infinity;
}

/**
 * Leaderboard order: pass rate (high first), then cost to complete per pass (low first; unknown,
 * then unsolved last), then name. Turning a pass into a failure lowers the pass rate and raises the
 * cost per pass, so it can never move a model up.
 */
export function leaderboardOrder(a: ReportModel, b: ReportModel): number {
  return (
    (b.passRate ?? -1) - (a.passRate ?? -1) ||
    completionSortKey(a.costToComplete.perPass) - completionSortKey(b.costToComplete.perPass) ||
    (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
    (a.harness < b.harness ? -1 : a.harness > b.harness ? 1 : 0)
  );
}

/** "infra_error 1, provider_error 2" */
export function formatStatusCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
}
