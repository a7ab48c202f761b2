/**
 * The leaderboard as plain text for a terminal: one row per (model, harness), best pass rate first,
 * with notes under it for simulated models, excluded trials and unknown costs.
 */
import { LEADERBOARD_FIGURES, orderedModels } from './figures';
import { exclusionNotes, plural } from './format';
import type { Report } from './json-report';

export const LEADERBOARD_COLUMNS: readonly string[] = ['model', 'harness', ...LEADERBOARD_FIGURES.map((c) => c.head)];

export function leaderboardRows(report: Report): string[][] {
  return orderedModels(report).map((m) => [m.model, m.harness, ...LEADERBOARD_FIGURES.map((c) => c.text(m))]);
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
  notes.push(...exclusionNotes(report.models));
  for (const m of report.models.filter((x) => x.unpricedAttempts > 0)) {
    notes.push(`${m.model} (${m.harness}): ${plural(m.unpricedAttempts, 'attempt')} could not be priced, so its costs are shown as unpriced.`);
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
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0, i >= 2)).join('  ').trimEnd();
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const notes = leaderboardNotes(report);
  return [...table, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n';
}
