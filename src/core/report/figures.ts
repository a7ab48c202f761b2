/**
 * What every front end shows of a report, written once: the leaderboard's columns, the heat map's
 * colour scale and cell text, the complementarity facts, the paired comparisons in words, and
 * each model's colour. The terminal table, the HTML page and the dashboard all read these (over
 * the one `Report` shape), so a figure cannot read differently in two places. Pure and
 * browser-safe: the dashboard's and the HTML page's scripts bundle it.
 */
import type { Comparison } from '../analysis/compare';
import { differenceVerdict, type DifferenceVerdict } from '../analysis/verdict';
import {
  formatCompletion, formatCost, formatNumber, formatPassRate, formatPercent, formatPoints, formatSignedUsd,
  groupLabel, leaderboardOrder, mixesHarnesses, plural,
} from './format';
import type { Report, ReportModel, ReportTaskResult } from './json-report';

// Leaderboard ─────────────────────────────────────────────────────────────────────────────────────

export interface Column<Row> {
  /** Header text (the terminal table's, the HTML page's and the dashboard's). */
  head: string;
  /** What the column means, for a header tooltip. */
  title: string;
  text(row: Row): string;
}

/** "—" for a model with no attempts, else "unpriced": what a cost reads as when it is not a number. */
function unknownCost(m: ReportModel): string {
  return m.attempts === 0 ? '—' : 'unpriced';
}

/**
 * The leaderboard's figure columns, in order (after the model and harness). Add a metric here and
 * it appears in the terminal table, the HTML report and the dashboard.
 */
export const LEADERBOARD_FIGURES: readonly Column<ReportModel>[] = [
  { head: 'pass rate [95% CI]', title: 'passes ÷ attempts, with a Wilson 95% interval', text: (m) => formatPassRate(m.passRate, m.passRateCI) },
  { head: 'cost/attempt', title: 'mean metered cost of one attempt', text: (m) => formatCost(m.costPerAttempt.mean, unknownCost(m)) },
  { head: 'cost to complete', title: 'spend on all attempts ÷ passes: what one pass costs, failures included', text: (m) => formatCompletion(m.costToComplete.perPass, unknownCost(m)) },
  { head: 'solved-only/task', title: 'expected spend until the first pass, mean over solved tasks only (read with unsolved)', text: (m) => formatCompletion(m.costToComplete.expected, unknownCost(m)) },
  { head: 'unsolved', title: 'tasks never passed / tasks attempted', text: (m) => `${m.costToComplete.unsolvedTasks}/${m.costToComplete.solvedTasks + m.costToComplete.unsolvedTasks}` },
  { head: 'calls/attempt', title: 'LLM calls per attempt', text: (m) => formatNumber(m.fingerprint.llmCallsPerAttempt) },
  { head: 'spent on failures', title: 'share of the spend on attempts that went to attempts that did not pass', text: (m) => formatPercent(m.failedSpendShare, 0) },
];

/** Models in leaderboard order: the order of every table and chart. */
export function orderedModels(report: Report): ReportModel[] {
  return [...report.models].sort(leaderboardOrder);
}

/** The label of each model in this report (with the harness when the report mixes harnesses). */
export function modelLabeller(report: Report): (g: { model: string; harness: string }) => string {
  const show = mixesHarnesses(report.models);
  return (g) => groupLabel(g, show);
}

// Colours ─────────────────────────────────────────────────────────────────────────────────────────

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Each group's colour slot (0…size−1), from its model name, not its place in a list: a model keeps
 * its colour across runs and charts. Two groups wanting one slot: the first by name keeps it, the
 * other takes the next free one (so no two groups share a colour while there are slots left).
 */
export function colourSlots(groups: readonly { model: string; harness: string }[], size: number): Map<string, number> {
  const keys = [...new Set(groups.map((g) => groupKey(g)))].sort();
  const taken = new Set<number>();
  const slots = new Map<string, number>();
  for (const key of keys) {
    let slot = hash(key.split('\u0000')[0] as string) % size;
    for (let i = 0; i < size && taken.has(slot); i++) slot = (slot + 1) % size;
    taken.add(slot);
    slots.set(key, slot);
  }
  return slots;
}

export function groupKey(g: { model: string; harness: string }): string {
  return `${g.model}\u0000${g.harness}`;
}

// Heat map ────────────────────────────────────────────────────────────────────────────────────────

/** A sequential scale of pass share: level 0 is "none passed", and 1 of 3 is two levels above it. */
export const HEAT_LEVELS = ['0%', '1–24%', '25–49%', '50–74%', '75–99%', '100%'] as const;

/**
 * The scale's colours, one hue from light to dark (light theme) or dark to light (dark theme), and
 * the text colour that reads on each. The HTML page's style sheet and the dashboard both use these.
 */
export const HEAT_COLOURS = {
  light: { background: ['#eef1f4', '#c9e2f4', '#93c4e8', '#559fd3', '#2a74b4', '#0b447a'], text: ['#1f2328', '#1f2328', '#1f2328', '#ffffff', '#ffffff', '#ffffff'] },
  dark: { background: ['#23272e', '#1b3b58', '#215c8c', '#2f82c2', '#62aee8', '#b2dafc'], text: ['#e6edf3', '#e6edf3', '#e6edf3', '#e6edf3', '#0d1117', '#0d1117'] },
} as const;

export function heatLevel(rate: number | null): number | null {
  if (rate === null) return null;
  if (rate <= 0) return 0;
  if (rate >= 1) return 5;
  return 1 + Math.min(3, Math.floor(rate * 4));
}

/** What a (task, model) cell reads: "2/3", or why it has no figure. */
export function heatCellText(r: ReportTaskResult | undefined): string {
  if (!r) return 'no trials';
  if (r.attempts === 0) return r.excluded > 0 ? `${r.excluded} excl.` : 'no attempts';
  return `${r.passed}/${r.attempts}`;
}

export function heatCellTitle(task: string, label: string, r: ReportTaskResult): string {
  return `${task} · ${label}: ${r.passed} of ${plural(r.attempts, 'attempt')} passed${r.excluded ? ` (${r.excluded} excluded)` : ''}`
    + `; ${formatPassRate(r.passRate, r.passRateCI)}; ${formatCost(r.costPerAttempt.mean, r.attempts === 0 ? '—' : 'unpriced')} per attempt`
    + `; solved-only cost to complete ${formatCompletion(r.costToComplete.expected, '—')}`;
}

// Complementarity and comparisons ─────────────────────────────────────────────────────────────────

/** The complementarity summary as (label, sentence) pairs. */
export function complementarityFacts(report: Report): [string, string][] {
  const c = report.complementarity;
  const name = modelLabeller(report);
  return [
    ['tasks compared', `${c.tasksConsidered}${c.tasksSkipped.length > 0 ? ` (left out, not attempted by every model: ${c.tasksSkipped.join(', ')})` : ''}`],
    ['solved by some model', `${c.tasksSolvedByAny} of ${c.tasksConsidered}; by none: ${c.tasksSolvedByNone}`],
    ['oracle pass rate', c.oraclePassRate === null ? '—' : `${formatPercent(c.oraclePassRate)} (best model per task)`],
    ['best single model', c.bestSingle === null ? '—' : `${name(c.bestSingle)}: ${formatPercent(c.bestSingle.passRate)}`],
    ['oracle gain', c.oracleGain === null ? '—' : formatPoints(c.oracleGain)],
    ['cheapest-solver router', c.router.passRate === null ? '—'
      : `${formatPercent(c.router.passRate)} pass rate over all ${plural(c.tasksConsidered, 'task')}, ${formatCompletion(c.router.costPerPass)} to complete (per pass), ${formatCost(c.router.costPerAttempt)} per attempt; solved-only ${formatCompletion(c.router.costToComplete)} per solved task (${c.router.solvedTasks} solved, ${c.tasksConsidered - c.router.solvedTasks} unsolved)`],
  ];
}

/**
 * A comparison in words: "sim/a passes more often than sim/b" only where the paired test says so,
 * else "no detectable difference in pass rate at 3 trials per task (about 9 more trials per task to
 * tell these apart)".
 */
export function describeComparison(c: Comparison, trialsPerTask: number, label: (g: Comparison['a']) => string): string[] {
  const lines: string[] = [];
  const pass = differenceVerdict(c.passRateDiff, trialsPerTask);
  const cost = differenceVerdict(c.costDiff, trialsPerTask);
  const more = (v: DifferenceVerdict) => (v.moreTrialsPerTask === null ? '' : ` (about ${plural(v.moreTrialsPerTask, 'more trial', 'more trials')} per task to tell these apart)`);
  const shared = plural(c.tasks, 'shared task');
  if (pass) {
    lines.push(pass.ahead === 'none'
      ? `pass rate: no detectable difference at ${plural(trialsPerTask, 'trial')} per task over ${shared}${more(pass)}`
      : `pass rate: ${label(pass.ahead === 'a' ? c.a : c.b)} passes more often than ${label(pass.ahead === 'a' ? c.b : c.a)} (paired test on ${shared})`);
  }
  if (cost) {
    // Cost: A − B below 0 means A is cheaper, so the side "ahead" on the difference is the dearer one.
    lines.push(cost.ahead === 'none'
      ? `cost per attempt: no detectable difference at ${plural(trialsPerTask, 'trial')} per task${more(cost)}`
      : `cost per attempt: ${label(cost.ahead === 'a' ? c.b : c.a)} is cheaper than ${label(cost.ahead === 'a' ? c.a : c.b)} (paired test on ${shared})`);
  }
  return lines;
}

export interface ComparisonRow {
  a: string;
  b: string;
  tasks: number;
  /** A − B in pass rate with its interval, e.g. "+16.7 pts [−12.5 pts, +45.8 pts]". */
  passRate: string;
  costPerAttempt: string;
  /** "A passes more often than B" only where the paired test says so; else "no detectable difference at N trials per task (about M more …)". */
  verdict: string[];
}

export const COMPARISON_COLUMNS = ['A', 'B', 'shared tasks', 'pass rate A − B [95% CI]', 'cost / attempt A − B [95% CI]', 'what the data support'] as const;

export function comparisonRows(report: Report): ComparisonRow[] {
  const name = modelLabeller(report);
  return report.comparisons.map((c) => ({
    a: name(c.a),
    b: name(c.b),
    tasks: c.tasks,
    passRate: c.passRateDiff === null ? '—' : `${formatPoints(c.passRateDiff.estimate)} [${formatPoints(c.passRateDiff.ci[0])}, ${formatPoints(c.passRateDiff.ci[1])}]`,
    costPerAttempt: c.costDiff === null ? 'unknown' : `${formatSignedUsd(c.costDiff.estimate)} [${formatSignedUsd(c.costDiff.ci[0])}, ${formatSignedUsd(c.costDiff.ci[1])}]`,
    verdict: describeComparison(c, report.run.trialsPerPair, name),
  }));
}

/** The run in one line under the title: "run r1 · harness builtin · 3 trials per task and model · finished · 3 Dec 2026 13:01 UTC". */
export function runSubtitle(report: Report): string[] {
  const run = report.run;
  const ids = run.id.split('+');
  return [
    ids.length > 1 ? `${ids.length} runs` : `run ${run.id}`,
    `harness ${run.harness}`,
    `${trialsPerPair(report)} per task and model`,
    run.status,
  ];
}

/**
 * Trials per (task, model) as the runs hold them: a comparison of a 2-trial run with a 1-trial run
 * says "1–2 trials", not the first run's plan.
 */
function trialsPerPair(report: Report): string {
  const counts = report.tasks.flatMap((t) => t.results.map((r) => r.attempts + r.excluded)).filter((n) => n > 0);
  if (counts.length === 0) return plural(report.run.trialsPerPair, 'trial');
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  return low === high ? plural(low, 'trial') : `${low}–${high} trials`;
}
