/**
 * The report's forms over the one formatter (`../format.ts`, re-exported here so report code and
 * front ends import one module): completion costs, model labels, leaderboard order, status counts.
 * Pure and browser-safe (the webviews and the HTML page's script bundle it too): no Node imports.
 */
import type { CompletionCost } from '../analysis/cost';
import type { GroupKey } from '../analysis/trials';
import { formatCost, plural } from '../format';
import type { ReportModel } from './json-report';

export * from '../format';

export function formatCompletion(value: CompletionCost, unknown = 'unpriced'): string {
  if (value === 'unsolved') return 'unsolved';
  return formatCost(value, unknown);
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

/** Trials that have not ended yet: a report made mid-run says they are still to run, not that they were left out. */
const NOT_ENDED = new Set(['queued', 'running']);

/**
 * The notes about trials outside the pass rates, as plain text: one line for the trials still to
 * run (all models together), then one per (model, harness) for trials that ended without saying
 * anything about the model (infrastructure, provider, cancelled, interrupted).
 */
export function exclusionNotes(models: readonly ReportModel[]): string[] {
  const notes: string[] = [];
  const waiting: Record<string, number> = {};
  for (const m of models) {
    const ended: Record<string, number> = {};
    for (const [status, n] of Object.entries(m.excludedByStatus)) {
      if (NOT_ENDED.has(status)) waiting[status] = (waiting[status] ?? 0) + n;
      else ended[status] = n;
    }
    const count = Object.values(ended).reduce((a, n) => a + n, 0);
    if (count > 0) notes.push(`${m.model} (${m.harness}): ${plural(count, 'trial')} not counted in pass rates (${formatStatusCounts(ended)}).`);
  }
  const pending = Object.values(waiting).reduce((a, n) => a + n, 0);
  if (pending > 0) notes.unshift(`Still to run: ${plural(pending, 'trial')} (${formatStatusCounts(waiting)}); the figures cover the trials that have ended.`);
  return notes;
}
