/**
 * The core's forecast of a planned run (src/core/analysis/forecast.ts) as the Benchmark view shows it,
 * and the words for it. Pure: unit-tested without VS Code.
 */
import type { Forecast } from '../core/analysis';
import type { ForecastView, RangeView } from '../protocol';
import { formatMoney } from './run-status';

const BASIS: Record<Forecast['pairs'][number]['source'], string> = {
  history: 'earlier trials',
  'model-history': "the model's other tasks",
  prices: 'prices and task size',
  unpriced: 'no price or history',
};

export function forecastView(f: Forecast): ForecastView {
  const counts = new Map<string, number>();
  for (const p of f.pairs) counts.set(BASIS[p.source], (counts.get(BASIS[p.source]) ?? 0) + 1);
  const basis = [...counts].map(([what, n]) => (counts.size === 1 ? what : `${what} (${n} pair${n === 1 ? '' : 's'})`)).join(', ');
  return {
    trials: f.trials,
    costUsd: f.costUsd ? { ...f.costUsd } : null,
    durationMs: { ...f.durationMs },
    basis: basis || 'no pairs',
    budget: f.budget ? { ...f.budget } : null,
  };
}

// TODO(figures): use the one formatting module's money and duration once it lands (issue 15 item 3).
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatRange(r: RangeView, unit: (x: number) => string): string {
  return `${unit(r.expected)} (${unit(r.low)}–${unit(r.high)})`;
}

/** "$0.04 (0.02–0.08) · about 2m 00s (1m–4m)", or why there is no cost. */
export function forecastText(f: ForecastView): { cost: string; duration: string } {
  return {
    cost: f.costUsd ? formatRange(f.costUsd, formatMoney) : 'unknown: a model has no price and no history',
    duration: formatRange(f.durationMs, formatDuration),
  };
}

/** The question to ask before a run that would likely cross its budget (null: no need to ask). */
export function budgetQuestion(f: ForecastView): string | null {
  if (!f.budget?.likelyCross || !f.costUsd) return null;
  return `The forecast spend of this run, ${formatRange(f.costUsd, formatMoney)}, is above its budget of ${formatMoney(f.budget.budgetUsd)}: it would likely stop at the budget with trials not run. Start it anyway?`;
}
