/**
 * The forecast of a planned run from the store (`kilobench estimate`, `kilobench run --dry-run`,
 * and the budget check before `kilobench run`), and its text for a terminal.
 */
import { forecastRun, type Forecast, type PairForecast, type PastTrial } from '../analysis/forecast';
import { priceCall } from '../pricing';
import { planHarnesses, type RunPlan } from '../run/plan';
import { FINAL_STATUSES } from '../domain';
import type { Store } from '../store';
import { formatDuration, formatUsd, plural } from './format';

/** Every finished trial in the store (cancelled ones spent only part of a trial, so they are left out). */
function pastTrials(store: Store): PastTrial[] {
  return store.listRuns().flatMap((run) => store.listTrials(run.id)
    .filter((t) => FINAL_STATUSES.has(t.status) && t.status !== 'cancelled')
    .map((t) => ({ task: t.taskId, model: t.modelId, harness: t.harness, costUsd: t.costUsd, durationMs: t.durationMs })));
}

export function forecastFromStore(store: Store, plan: RunPlan): Forecast {
  const models = plan.models.length > 0 ? plan.models : [undefined];
  const specs = new Map(plan.models.map((m) => [m.id, m]));
  // A run of several harnesses (`kilo@7.7.2,kilo@7.7.9`) runs every (task, model) through each.
  const harnesses = planHarnesses(plan);
  return forecastRun({
    pairs: plan.tasks.flatMap((task) => harnesses.flatMap((harness) => models.map((model) => ({
      task: task.id,
      model: model?.id ?? harness,
      harness,
      trials: plan.settings.trialsPerPair,
      instructionChars: task.instruction.length,
      agentTimeoutSec: task.agentTimeoutSec * plan.settings.agentTimeoutMultiplier,
      testTimeoutSec: task.testTimeoutSec * plan.settings.testTimeoutMultiplier,
    })))),
    history: pastTrials(store),
    concurrency: plan.settings.concurrency,
    budgetUsd: plan.settings.budgetUsd,
    price: (modelId, usage) => {
      const spec = specs.get(modelId);
      if (!spec) return 0; // a harness without a model (oracle, nop) calls no LLM
      const name = spec.model || spec.id;
      return priceCall(usage, name, spec.price ? { overrides: { [name]: spec.price } } : {}).costUsd;
    },
  });
}

const SOURCE_TEXT = {
  history: 'earlier trials of this task, model and harness',
  'model-history': "this model's trials on other tasks (×4 band)",
  prices: "prices and the task's size (×0.05–×10 band)",
  unpriced: 'no price and no history',
} as const;

/** The forecast as lines for a terminal. */
export function formatForecast(f: Forecast): string {
  const lines: string[] = [];
  const cost = f.costUsd === null ? 'unknown (a model has no price and no history)'
    : `${formatUsd(f.costUsd.expected)} expected, 95% interval ${formatUsd(f.costUsd.low)}–${formatUsd(f.costUsd.high)}`;
  lines.push(`Forecast for ${plural(f.trials, 'trial')}:`);
  lines.push(`  spend      ${cost}`);
  lines.push(`  wall time  ${formatDuration(f.durationMs.expected)} expected, ${formatDuration(f.durationMs.low)}–${formatDuration(f.durationMs.high)}`);
  const counts = new Map<string, number>();
  for (const p of f.pairs) counts.set(p.source, (counts.get(p.source) ?? 0) + 1);
  lines.push(`  from       ${[...counts].map(([source, n]) => `${plural(n, 'pair')}: ${SOURCE_TEXT[source as keyof typeof SOURCE_TEXT]}`).join('; ')}`);
  lines.push(...groupLines(f.pairs));
  if (f.budget) {
    const b = formatUsd(f.budget.budgetUsd);
    if (f.budget.likelyCross) lines.push(`  budget     ${b}: the run will LIKELY CROSS it (expected spend is above it); it stops starting trials there`);
    else if (f.budget.mayCross) lines.push(`  budget     ${b}: the run may cross it (the interval reaches above it)`);
    else lines.push(`  budget     ${b}: within the interval's upper end`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One line per (model, harness): its trials, the per-trial spend (the mean of its tasks' expected
 * figures, the lowest low and highest high of their intervals) and where the figures come from.
 * A run of 14 tasks × 4 models × 2 harnesses reads as 8 lines, not 112; `--json` keeps every pair.
 */
function groupLines(pairs: readonly PairForecast[]): string[] {
  const groups = new Map<string, PairForecast[]>();
  for (const p of pairs) {
    const key = `${p.model} · ${p.harness}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const width = Math.max(0, ...[...groups.keys()].map((k) => k.length));
  return [...groups].map(([key, group]) => {
    const trials = group.reduce((n, p) => n + p.trials, 0);
    const ranges = group.flatMap((p) => (p.costPerTrial ? [p.costPerTrial] : []));
    const cost = ranges.length < group.length ? 'unpriced'
      : `${formatUsd(ranges.reduce((a, r) => a + r.expected, 0) / ranges.length)} [${formatUsd(Math.min(...ranges.map((r) => r.low)))}–${formatUsd(Math.max(...ranges.map((r) => r.high)))}]`;
    const sources = new Map<string, number>();
    for (const p of group) sources.set(p.source, (sources.get(p.source) ?? 0) + 1);
    const from = [...sources].map(([source, n]) => (sources.size === 1 ? source : `${source} ${n}`)).join(', ');
    const past = group.reduce((n, p) => n + p.pastTrials, 0);
    return `    ${key.padEnd(width)}  ${plural(trials, 'trial')}, ${cost} per trial (${plural(group.length, 'task')}; ${from}${past ? `, ${plural(past, 'past trial')}` : ''})`;
  });
}
