/**
 * What a planned run will likely cost and take, before it starts: from this database's earlier
 * trials of the same (task, model, harness) where there are any, else from the same model's
 * trials on other tasks, else from prices and the task's size with a wide interval. Durations the
 * same way, except that the step between is the same harness on any task and model. Pure: the
 * caller hands in the plan's pairs, the past trials and a way to price a usage.
 */
import type { TokenUsage } from '../domain';
import { Z95 } from './stats';

export interface ForecastPair {
  task: string;
  model: string;
  harness: string;
  /** Planned trials of this pair. */
  trials: number;
  /** The task's size: its instruction length and time limits. */
  instructionChars: number;
  agentTimeoutSec: number;
  testTimeoutSec: number;
}

/** One finished trial from the database (cost null when unknown; excluded statuses are fine: they were paid). */
export interface PastTrial {
  task: string;
  model: string;
  harness: string;
  costUsd: number | null;
  durationMs: number | null;
}

export type ForecastSource = 'history' | 'model-history' | 'prices' | 'unpriced';

export interface Range {
  expected: number;
  low: number;
  high: number;
}

export interface PairForecast {
  task: string;
  model: string;
  harness: string;
  trials: number;
  /** Where the per-trial figures come from; `history` and `model-history` say how many past trials. */
  source: ForecastSource;
  pastTrials: number;
  /** Per trial; null when the model has no price and no history. */
  costPerTrial: Range | null;
  durationPerTrialMs: Range;
}

export interface Forecast {
  pairs: PairForecast[];
  trials: number;
  /** Total spend; null when some pair cannot be priced at all. */
  costUsd: Range | null;
  /** Wall time of the run at its concurrency. */
  durationMs: Range;
  budget: { budgetUsd: number; likelyCross: boolean; mayCross: boolean } | null;
}

export interface ForecastInput {
  pairs: readonly ForecastPair[];
  history: readonly PastTrial[];
  concurrency: number;
  budgetUsd?: number | null;
  /** Prices a usage for a model (null: no price); used only where there is no history. */
  price: (model: string, usage: TokenUsage) => number | null;
}

/** Fallback usage of one trial from the task's size: ~10 agent steps re-sending a growing context. */
export const PRICE_FALLBACK = { steps: 10, baseContextTokens: 3000, outputPerStep: 300, low: 0.05, high: 10 } as const;
/** Another task of the same model: its mean, in a ×4 band either way. */
export const MODEL_HISTORY_BAND = 4;

function stats(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : (mean * 0.5) ** 2;
  return { mean, sd: Math.sqrt(variance), n };
}

/** A sum of `k` new trials: predictive normal (trial spread plus the uncertainty of the mean). */
interface Part {
  mean: number;
  /** Variance of a normal part; 0 for a part given as a band. */
  variance: number;
  /** Added band for parts without history ([low, high] around mean). */
  low: number;
  high: number;
  normal: boolean;
}

/** Student t quantiles (0.975) for 1…30 degrees of freedom; 1.96 beyond. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Past trials rarely show all of a model's spread (a flaky model's cost swings 3× between seeds): never assume less than this relative sd. */
export const MIN_RELATIVE_SD = 0.25;

function normalPart(values: readonly number[], k: number): Part {
  const s = stats(values);
  const sd = Math.max(s.sd, MIN_RELATIVE_SD * s.mean);
  // Few past trials: widen to Student's t with n − 1 degrees of freedom (as a variance scale, so parts still add).
  const t = s.n > 1 ? (T975[s.n - 2] ?? Z95) : (T975[0] as number);
  const variance = (k * sd ** 2 + (k * k * sd ** 2) / s.n) * (t / Z95) ** 2;
  return { mean: k * s.mean, variance, low: 0, high: 0, normal: true };
}

function bandPart(perTrial: number, k: number, lowFactor: number, highFactor: number): Part {
  return { mean: k * perTrial, variance: 0, low: k * perTrial * lowFactor, high: k * perTrial * highFactor, normal: false };
}

function combine(parts: readonly Part[]): Range {
  const normal = parts.filter((p) => p.normal);
  const band = parts.filter((p) => !p.normal);
  const mean = normal.reduce((a, p) => a + p.mean, 0);
  const sd = Math.sqrt(normal.reduce((a, p) => a + p.variance, 0));
  const bandMean = band.reduce((a, p) => a + p.mean, 0);
  return {
    expected: mean + bandMean,
    low: Math.max(0, mean - Z95 * sd) + band.reduce((a, p) => a + p.low, 0),
    high: mean + Z95 * sd + band.reduce((a, p) => a + p.high, 0),
  };
}

function perTrial(part: Part, k: number): Range {
  if (part.normal) {
    const sd = Math.sqrt(part.variance) / Math.max(1, k);
    const mean = part.mean / Math.max(1, k);
    return { expected: mean, low: Math.max(0, mean - Z95 * sd), high: mean + Z95 * sd };
  }
  return { expected: part.mean / k, low: part.low / k, high: part.high / k };
}

function fallbackUsage(pair: ForecastPair): TokenUsage {
  const f = PRICE_FALLBACK;
  const context = f.baseContextTokens + pair.instructionChars / 4;
  // Step i re-sends the context plus everything produced so far.
  let input = 0;
  for (let i = 0; i < f.steps; i++) input += context + i * f.outputPerStep;
  return { input: Math.round(input), cacheRead: 0, cacheWrite: 0, output: f.steps * f.outputPerStep, reasoning: 0 };
}

export function forecastRun(input: ForecastInput): Forecast {
  const key = (task: string, model: string, harness: string) => JSON.stringify([task, model, harness]);
  const byPair = new Map<string, PastTrial[]>();
  const byModel = new Map<string, PastTrial[]>();
  const byHarness = new Map<string, PastTrial[]>();
  for (const t of input.history) {
    for (const [map, k] of [[byPair, key(t.task, t.model, t.harness)], [byModel, key('', t.model, t.harness)], [byHarness, key('', '', t.harness)]] as const) {
      const list = map.get(k);
      if (list) list.push(t);
      else map.set(k, [t]);
    }
  }
  const costParts: Part[] = [];
  const timeParts: Part[] = [];
  let unpriced = false;
  const pairs = input.pairs.map((pair): PairForecast => {
    const own = byPair.get(key(pair.task, pair.model, pair.harness)) ?? [];
    const sameModel = byModel.get(key('', pair.model, pair.harness)) ?? [];
    const ownCosts = own.flatMap((t) => (t.costUsd === null ? [] : [t.costUsd]));
    const modelCosts = sameModel.flatMap((t) => (t.costUsd === null ? [] : [t.costUsd]));
    let source: ForecastSource;
    let costPart: Part | null;
    let pastTrials: number;
    if (ownCosts.length > 0) {
      source = 'history';
      pastTrials = ownCosts.length;
      costPart = normalPart(ownCosts, pair.trials);
    } else if (modelCosts.length > 0) {
      source = 'model-history';
      pastTrials = modelCosts.length;
      costPart = bandPart(stats(modelCosts).mean, pair.trials, 1 / MODEL_HISTORY_BAND, MODEL_HISTORY_BAND);
    } else {
      pastTrials = 0;
      const price = input.price(pair.model, fallbackUsage(pair));
      source = price === null ? 'unpriced' : 'prices';
      costPart = price === null ? null : bandPart(price, pair.trials, PRICE_FALLBACK.low, PRICE_FALLBACK.high);
    }
    if (costPart) costParts.push(costPart);
    else unpriced = true;

    const times = (trials: readonly PastTrial[]) => trials.flatMap((t) => (t.durationMs === null ? [] : [t.durationMs]));
    const ownTimes = times(own);
    // A trial's time is mostly the harness's (its start-up, its pace) and the task's: the same
    // harness on other tasks and models is a better guide than the time limits.
    const harnessTimes = times(byHarness.get(key('', '', pair.harness)) ?? []);
    const agentMs = pair.agentTimeoutSec * 1000;
    const testMs = pair.testTimeoutSec * 1000;
    // Without history: a quarter of the agent's limit plus a fifth of the test limit, anywhere from
    // a twentieth of that to both limits in full.
    const guess = 0.25 * agentMs + 0.2 * testMs;
    const timePart = ownTimes.length > 0 ? normalPart(ownTimes, pair.trials)
      : harnessTimes.length > 0 ? bandPart(stats(harnessTimes).mean, pair.trials, 1 / MODEL_HISTORY_BAND, MODEL_HISTORY_BAND)
        : bandPart(guess, pair.trials, 0.05, (agentMs + testMs) / Math.max(1, guess));
    timeParts.push(timePart);
    return {
      task: pair.task, model: pair.model, harness: pair.harness, trials: pair.trials, source, pastTrials,
      costPerTrial: costPart ? perTrial(costPart, pair.trials) : null,
      durationPerTrialMs: perTrial(timePart, pair.trials),
    };
  });

  const trials = input.pairs.reduce((a, p) => a + p.trials, 0);
  const costUsd = unpriced ? null : combine(costParts);
  // Trials run `concurrency` at a time: the summed trial time spread over the slots.
  const slots = Math.max(1, Math.min(input.concurrency, trials));
  const busy = combine(timeParts);
  const durationMs = { expected: busy.expected / slots, low: busy.low / slots, high: busy.high / slots };
  const budgetUsd = input.budgetUsd ?? null;
  const budget = budgetUsd === null ? null : {
    budgetUsd,
    likelyCross: costUsd === null ? false : costUsd.expected > budgetUsd,
    mayCross: costUsd === null ? true : costUsd.high > budgetUsd,
  };
  return { pairs, trials, costUsd, durationMs, budget };
}
