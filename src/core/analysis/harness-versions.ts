/**
 * The "harness versions" view: the same model through two releases of one harness (`kilo@7.7.2`
 * and `kilo@7.7.9`, or `kilo` at its default release), compared like two models. For each model
 * and each step from one version to the next (in release order), on the tasks both versions
 * attempted:
 *   pass rate           change in percentage points (B − A)
 *   cost per attempt    relative change, % ((B ÷ A) − 1), means of per-task mean costs
 *   cost to complete    relative change, %, of spend per pass (Σ cost ÷ Σ passes)
 *   calls per attempt   relative change, %, means of per-task mean LLM calls
 *   re-sent context     change in percentage points of the share of input that repeats earlier context
 * with paired, seeded bootstrap intervals: each resample draws the shared tasks with replacement and,
 * within each drawn task, each side's attempts with replacement (as compare.ts does), so task
 * difficulty cancels. A change is "clear" when its interval leaves out 0.
 */
import { harnessBase, harnessVersionOf, compareVersions } from '../harness/harness-spec';
import type { CallSummary } from '../calls';
import { quantile, seededRandom, type Random } from './stats';
import { compareText, type TrialFacts } from './trials';

/** One metric's change from version A to version B. */
export interface VersionChange {
  /** B's change against A: percentage points for rates and shares, percent for costs and counts. */
  estimate: number | null;
  ci: [number, number] | null;
  unit: 'pp' | '%';
  /** The interval leaves out 0. */
  clear: boolean;
}

export interface HarnessVersionStep {
  model: string;
  /** The harness without its version (`kilo`). */
  harness: string;
  from: { harness: string; version: string };
  to: { harness: string; version: string };
  /** Tasks both versions attempted. */
  tasks: number;
  attempts: { from: number; to: number };
  passRate: VersionChange;
  costPerAttempt: VersionChange;
  costToComplete: VersionChange;
  callsPerAttempt: VersionChange;
  resentContextShare: VersionChange;
  /** "kilo 7.7.9 vs 7.7.2 for sim/direct: cost per attempt +14 % [+9, +19], pass rate unchanged, …" */
  sentence: string;
}

export interface HarnessVersionsOptions {
  seed: number;
  resamples: number;
  confidence?: number;
}

/** One attempt's figures. */
interface Attempt {
  passed: boolean;
  cost: number | null;
  calls: number;
  totalInput: number;
  resent: number;
}

interface Side {
  harness: string;
  version: string;
  byTask: Map<string, Attempt[]>;
}

/** A group's version: written in its harness name, else the one its trials recorded most often. */
function versionOfGroup(harness: string, facts: readonly TrialFacts[]): string | undefined {
  const written = harnessVersionOf(harness);
  if (written) return written;
  const counts = new Map<string, number>();
  for (const f of facts) {
    const v = f.trial.harnessVersion?.match(/\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?/)?.[0];
    if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Sums of one side's redrawn attempts over the drawn tasks. */
interface Totals {
  passRate: number;
  cost: number;
  calls: number;
  passes: number;
  spend: number;
  totalInput: number;
  resent: number;
}

function emptyTotals(): Totals {
  return { passRate: 0, cost: 0, calls: 0, passes: 0, spend: 0, totalInput: 0, resent: 0 };
}

/** Adds one task's attempts (all of them, or redrawn with replacement when `random` is given) to `into`. */
function addTask(into: Totals, attempts: readonly Attempt[], random?: Random): void {
  const n = attempts.length;
  let passed = 0;
  let cost = 0;
  let calls = 0;
  for (let i = 0; i < n; i++) {
    const a = attempts[random ? Math.min(n - 1, Math.floor(random() * n)) : i] as Attempt;
    if (a.passed) passed++;
    cost += a.cost ?? 0;
    calls += a.calls;
    into.totalInput += a.totalInput;
    into.resent += a.resent;
  }
  into.passRate += passed / n;
  into.cost += cost / n;
  into.calls += calls / n;
  into.passes += passed;
  into.spend += cost;
}

/** The five changes from the two sides' totals over the same drawn tasks (NaN where undefined). */
function changes(a: Totals, b: Totals, tasks: number): number[] {
  const rel = (x: number, y: number) => (x > 0 ? (y / x - 1) * 100 : NaN);
  const share = (t: Totals) => (t.totalInput > 0 ? t.resent / t.totalInput : NaN);
  return [
    ((b.passRate - a.passRate) / tasks) * 100,
    rel(a.cost, b.cost),
    a.passes > 0 && b.passes > 0 ? rel(a.spend / a.passes, b.spend / b.passes) : NaN,
    rel(a.calls, b.calls),
    (share(b) - share(a)) * 100,
  ];
}

const METRICS = ['passRate', 'costPerAttempt', 'costToComplete', 'callsPerAttempt', 'resentContextShare'] as const;
const UNITS: Record<(typeof METRICS)[number], 'pp' | '%'> = { passRate: 'pp', costPerAttempt: '%', costToComplete: '%', callsPerAttempt: '%', resentContextShare: 'pp' };

function compareSides(a: Side, b: Side, options: HarnessVersionsOptions): Omit<HarnessVersionStep, 'model' | 'harness' | 'sentence'> {
  const shared = [...a.byTask.keys()].filter((t) => b.byTask.has(t)).sort(compareText);
  const pairs = shared.map((t) => [a.byTask.get(t) as Attempt[], b.byTask.get(t) as Attempt[]] as const);
  const costsKnown = pairs.every(([x, y]) => [...x, ...y].every((t) => t.cost !== null));
  const count = (side: Side) => shared.reduce((n, t) => n + (side.byTask.get(t)?.length ?? 0), 0);

  const point = (() => {
    const ta = emptyTotals();
    const tb = emptyTotals();
    for (const [x, y] of pairs) {
      addTask(ta, x);
      addTask(tb, y);
    }
    return changes(ta, tb, pairs.length);
  })();

  // One resample stream for all five statistics (same tasks and attempts drawn for each).
  const random = seededRandom(options.seed);
  const samples: number[][] = METRICS.map(() => []);
  if (pairs.length > 0) {
    for (let r = 0; r < options.resamples; r++) {
      const ta = emptyTotals();
      const tb = emptyTotals();
      for (let i = 0; i < pairs.length; i++) {
        const [x, y] = pairs[Math.min(pairs.length - 1, Math.floor(random() * pairs.length))] as (typeof pairs)[number];
        addTask(ta, x, random);
        addTask(tb, y, random);
      }
      changes(ta, tb, pairs.length).forEach((v, k) => {
        if (Number.isFinite(v)) (samples[k] as number[]).push(v);
      });
    }
  }
  const alpha = 1 - (options.confidence ?? 0.95);
  const result = {} as Record<(typeof METRICS)[number], VersionChange>;
  METRICS.forEach((metric, k) => {
    const costMetric = metric === 'costPerAttempt' || metric === 'costToComplete';
    const estimate = point[k] as number;
    const values = samples[k] as number[];
    // An interval needs most resamples to be defined (a spend per pass needs passes on both sides).
    const usable = Number.isFinite(estimate) && !(costMetric && !costsKnown) && values.length >= options.resamples * 0.9;
    const ci: [number, number] | null = usable ? [quantile(values, alpha / 2) as number, quantile(values, 1 - alpha / 2) as number] : null;
    result[metric] = {
      estimate: Number.isFinite(estimate) && !(costMetric && !costsKnown) ? estimate : null,
      ci,
      unit: UNITS[metric],
      // Clear when the interval leaves out 0 at the precision shown (a 0.001 pp shift is no change).
      clear: ci !== null && (round(ci[0], UNITS[metric]) > 0 || round(ci[1], UNITS[metric]) < 0),
    };
  });
  return {
    from: { harness: a.harness, version: a.version },
    to: { harness: b.harness, version: b.version },
    tasks: pairs.length,
    attempts: { from: count(a), to: count(b) },
    ...result,
  };
}

/** Digits shown: whole percent for relative changes, tenths of a point for rates and shares. */
function digitsOf(unit: 'pp' | '%'): number {
  return unit === 'pp' ? 1 : 0;
}

function round(value: number, unit: 'pp' | '%'): number {
  return Number(value.toFixed(digitsOf(unit)));
}

function signed(value: number, digits = 0): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return `${value < 0 ? '−' : '+'}${text}`;
}

/** `+14 % [+9, +19]`, `−5 pp [−20, +10]`, or `n/a`. */
export function formatVersionChange(change: VersionChange): string {
  if (change.estimate === null) return 'n/a';
  const unit = change.unit === '%' ? ' %' : ' pp';
  const d = digitsOf(change.unit);
  return `${signed(change.estimate, d)}${unit}${change.ci ? ` [${signed(change.ci[0], d)}, ${signed(change.ci[1], d)}]` : ''}`;
}

const LABELS: Record<(typeof METRICS)[number], string> = {
  passRate: 'pass rate', costPerAttempt: 'cost per attempt', costToComplete: 'cost to complete',
  callsPerAttempt: 'calls per attempt', resentContextShare: 're-sent context share',
};

/** `+14 % cost per attempt [+9, +19]`. */
function phrase(change: VersionChange, label: string): string {
  const d = digitsOf(change.unit);
  const ci = change.ci ? ` [${signed(change.ci[0], d)}, ${signed(change.ci[1], d)}]` : '';
  return `${signed(change.estimate ?? 0, d)} ${change.unit} ${label}${ci}`;
}

/** Plain words: each clear change with its interval, then what did not clearly change. */
function sentenceOf(step: Omit<HarnessVersionStep, 'sentence'>): string {
  const clear = METRICS.filter((m) => step[m].estimate !== null && step[m].clear).map((m) => phrase(step[m], LABELS[m]));
  const unchanged = METRICS.filter((m) => step[m].estimate !== null && !step[m].clear).map((m) => LABELS[m]);
  const said = [...clear, ...(unchanged.length ? [`${unchanged.join(', ')} unchanged`] : [])].join(', ') || 'nothing to compare';
  return `${step.harness} ${step.to.version} vs ${step.from.version}, ${step.model}: ${said} (${step.tasks} shared task${step.tasks === 1 ? '' : 's'}, ${step.attempts.from} vs ${step.attempts.to} attempts).`;
}

/**
 * Every (model, harness) that ran at two or more versions, compared version to next version. Empty
 * when no harness ran at more than one version.
 */
export function harnessVersionSteps(
  facts: readonly TrialFacts[], summaryOf: (facts: TrialFacts) => Pick<CallSummary, 'calls' | 'context'>, options: HarnessVersionsOptions,
): HarnessVersionStep[] {
  const groups = new Map<string, TrialFacts[]>();
  for (const f of facts) {
    const list = groups.get(f.groupId);
    if (list) list.push(f);
    else groups.set(f.groupId, [f]);
  }
  // (model, base harness) → its versions.
  const lines = new Map<string, { model: string; base: string; sides: Side[] }>();
  for (const list of groups.values()) {
    const { model, harness } = (list[0] as TrialFacts).group;
    const version = versionOfGroup(harness, list);
    if (!version) continue;
    const base = harnessBase(harness);
    const byTask = new Map<string, Attempt[]>();
    for (const f of list) {
      if (!f.attempt) continue;
      const summary = summaryOf(f);
      const attempt: Attempt = { passed: f.passed, cost: f.costUsd, calls: summary.calls, totalInput: summary.context.totalInput, resent: summary.context.resent };
      const task = byTask.get(f.trial.taskId);
      if (task) task.push(attempt);
      else byTask.set(f.trial.taskId, [attempt]);
    }
    const key = JSON.stringify([model, base]);
    const line = lines.get(key) ?? { model, base, sides: [] };
    line.sides.push({ harness, version, byTask });
    lines.set(key, line);
  }
  const steps: HarnessVersionStep[] = [];
  const ordered = [...lines.values()].sort((x, y) => compareText(x.base, y.base) || compareText(x.model, y.model));
  for (const line of ordered) {
    const sides = line.sides.sort((x, y) => compareVersions(x.version, y.version) || compareText(x.harness, y.harness));
    for (let i = 1; i < sides.length; i++) {
      // Two names for one release (`kilo` and `kilo@7.7.7`) are not a version step.
      if (compareVersions((sides[i - 1] as Side).version, (sides[i] as Side).version) === 0) continue;
      const body = { model: line.model, harness: line.base, ...compareSides(sides[i - 1] as Side, sides[i] as Side, options) };
      steps.push({ ...body, sentence: sentenceOf(body) });
    }
  }
  return steps;
}
