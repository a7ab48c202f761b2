/**
 * The leaderboard as plain text for a terminal: one row per (model, harness), best pass rate first,
 * with notes under it for simulated models, excluded trials and unknown costs.
 */
import {
  formatCompletion, formatCost, formatNumber, formatPassRate, formatStatusCounts, leaderboardOrder,
} from './format';
import type { Report, ReportModel } from './json-report';

export const LEADERBOARD_COLUMNS = ['model', 'harness', 'pass rate [95% CI]', 'cost/attempt', 'cost to complete', 'solved-only/task', 'unsolved', 'calls/attempt'] as const;

/** Columns holding numbers are right-aligned. */
const RIGHT = new Set([2, 3, 4, 5, 6, 7]);

export function leaderboardRows(report: Report): string[][] {
  return [...report.models].sort(leaderboardOrder).map((m: ReportModel) => {
    const attemptedTasks = m.costToComplete.solvedTasks + m.costToComplete.unsolvedTasks;
    return [
      m.model,
      m.harness,
      formatPassRate(m.passRate, m.passRateCI),
      formatCost(m.costPerAttempt.mean, m.attempts === 0 ? '—' : 'unpriced'),
      formatCompletion(m.costToComplete.perPass, m.attempts === 0 ? '—' : 'unpriced'),
      formatCompletion(m.costToComplete.expected, m.attempts === 0 ? '—' : 'unpriced'),
      `${m.costToComplete.unsolvedTasks}/${attemptedTasks}`,
      formatNumber(m.fingerprint.llmCallsPerAttempt),
    ];
  });
}

function pad(text: string, width: number, right: boolean): string {
  const length = [...text].length;
  const fill = ' '.repeat(Math.max(0, width - length));
  return right ? fill + text : text + fill;
}

/** Notes printed under the table (empty when there is nothing to say). */
export function leaderboardNotes(report: Report): string[] {
  const notes: string[] = [];
  if (report.run.simulated) {
    notes.push(`Simulated models (${report.run.simulatedModels.join(', ')}): figures come from KiloBench's simulated provider and made-up prices, not from a real model.`);
  }
  const excluded = report.models.filter((m) => m.excluded > 0);
  for (const m of excluded) {
    notes.push(`${m.model} (${m.harness}): ${m.excluded} trial(s) not counted in pass rates (${formatStatusCounts(m.excludedByStatus)}).`);
  }
  for (const m of report.models.filter((x) => x.unpricedAttempts > 0)) {
    notes.push(`${m.model} (${m.harness}): ${m.unpricedAttempts} attempt(s) could not be priced, so its costs are shown as unpriced.`);
  }
  const prices = report.run.prices?.description ?? 'recorded prices';
  notes.push(`Prices: ${report.run.prices?.kind && report.run.prices.kind !== 'recorded' ? `WHAT-IF — ${prices}` : prices}.`);
  notes.push('Cost to complete: spend on all attempts ÷ passes (what one pass costs, failures included). Solved-only/task: expected spend until the first pass averaged over solved tasks only — read it with unsolved = tasks never passed / tasks attempted.');
  return notes;
}

export function formatLeaderboard(report: Report): string {
  const rows = leaderboardRows(report);
  const header = [...LEADERBOARD_COLUMNS];
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0, RIGHT.has(i))).join('  ').trimEnd();
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const notes = leaderboardNotes(report);
  return [...table, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n';
}
