/**
 * A report straight from the store: one run, or several runs compared side by side (e.g. the same
 * models through the kilo and builtin harnesses). Trials are grouped by (model, harness), so
 * merging runs is enough to compare them.
 */
import { InputError } from '../errors';
import type { RunAnalysis } from '../analysis/analyse';
import { analyseRun, repriceCalls } from '../analysis';
import { planPriceOverrides, pricingKey, usagePricer, type CallSummary, type TranscriptToolSummary, type UsagePricer } from '../calls';
import { describePrices, priceCall, RECORDED_PRICES, type PriceOverrides, type PriceSheet } from '../pricing';
import type { AnalysedTrial, LlmCallRecord, RunRecord, Store } from '../store';
import { buildReport, type Report } from './json-report';
import { engineSection, type EngineSection } from './engines';

/** Several runs as one record, for the report's header. */
function mergedRun(runs: RunRecord[]): RunRecord {
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const unique = (values: string[]) => [...new Set(values)];
  return {
    ...first,
    id: runs.map((r) => r.id).join('+'),
    name: runs.map((r) => r.name || r.id).join(' vs '),
    status: runs.every((r) => r.status === 'finished') ? 'finished' : first.status,
    finishedAt: runs.map((r) => r.finishedAt).filter((t): t is string => Boolean(t)).sort().pop() ?? null,
    plan: {
      ...first.plan,
      tasks: unique(runs.flatMap((r) => r.plan.tasks)),
      models: unique(runs.flatMap((r) => r.plan.models)),
      harness: unique(runs.map((r) => r.plan.harness)).join('+'),
    },
  };
}

export class ReportError extends InputError {}

export interface ReportFromStoreOptions {
  seed?: number;
  resamples?: number;
  generatedAt?: string;
  /** What-if prices (default: the recorded costs). Any other sheet reads every call and prices it again. */
  prices?: PriceSheet;
  /** Compute the paired comparisons (default true); the terminal table shows none. */
  comparisons?: boolean;
  /** Reuse the analysis of an unchanged store (default true); false always computes it again. */
  cache?: boolean;
  /** Only these tasks' trials (e.g. one workspace's mined tasks); default every task. */
  tasks?: readonly string[];
}

/**
 * Analyses already made, per store and per question (runs, seed, resamples, comparisons, prices),
 * valid while the store has made no change since (`store.changes`): reopening a dashboard or
 * exporting the report it shows does not read the runs and run the bootstrap again. The reports
 * built from one entry share its objects; nothing here or in the views mutates a report.
 */
interface CachedAnalysis {
  changes: number;
  run: RunRecord;
  analysis: RunAnalysis;
  engines: EngineSection | undefined;
}
const analyses = new WeakMap<Store, Map<string, CachedAnalysis>>();
const CACHED_PER_STORE = 8;

function remember(store: Store, key: string, entry: CachedAnalysis): void {
  let map = analyses.get(store);
  if (!map) analyses.set(store, (map = new Map()));
  map.delete(key);
  map.set(key, entry);
  while (map.size > CACHED_PER_STORE) map.delete(map.keys().next().value as string);
}

/** The spend split's per-token prices under a sheet, so its dollars follow the same prices as the costs. */
function sheetPricer(sheet: PriceSheet, recorded: PriceOverrides): UsagePricer {
  if (sheet.kind === 'as') {
    return (usage, call) => {
      const at = new Date(call.startedAt);
      return priceCall(usage, sheet.model, { providerId: sheet.providerId, ...(Number.isNaN(at.getTime()) ? {} : { at }) }).costUsd;
    };
  }
  return usagePricer(sheet.kind === 'file' ? { ...recorded, ...sheet.overrides } : recorded);
}

export function reportFromStore(store: Store, runIds: string[], options: ReportFromStoreOptions = {}): Report {
  const sheet = options.prices ?? RECORDED_PRICES;
  const buildOptions = {
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
    prices: { kind: sheet.kind, description: describePrices(sheet) },
  };
  const only = options.tasks ? new Set(options.tasks) : null;
  const key = JSON.stringify([runIds, options.seed ?? null, options.resamples ?? null, options.comparisons !== false, sheet, options.tasks ?? null]);
  const cached = options.cache === false ? undefined : analyses.get(store)?.get(key);
  if (cached && cached.changes === store.changes) return withEngines(buildReport(cached.run, cached.analysis, buildOptions), cached.engines);
  const changes = store.changes;
  const runs = runIds.map((id) => {
    const run = store.getRun(id);
    if (!run) throw new ReportError(`no run ${id} in ${store.path} (see \`kilobench runs\`)`);
    return run;
  });
  const overrides = planPriceOverrides(runs.map((r) => r.plan));
  const pricing = pricingKey(overrides);
  const trials: AnalysedTrial[] = [];
  const calls: LlmCallRecord[] = [];
  const callSummaries = new Map<string, CallSummary>();
  const transcriptSummaries = new Map<string, TranscriptToolSummary>();
  for (const run of runs) {
    const own = store.listAnalysedTrials(run.id).filter((t) => !only || only.has(t.taskId));
    trials.push(...own);
    // The metrics read tool calls and commands only (the fingerprint): the store's per-trial summary of them.
    for (const s of store.listTranscriptSummaries(run.id)) transcriptSummaries.set(s.trialId, s.summary);
    // The stored summaries stand for the calls when they were priced as this report prices (always
    // for one run; several runs whose price overrides differ are read call by call).
    const summaries = store.listCallSummaries(run.id);
    if (sheet.kind === 'recorded' && summaries.every((s) => s.pricing === pricing)) {
      for (const s of summaries) callSummaries.set(s.trialId, s.summary);
    } else {
      for (const trial of own) calls.push(...repriceCalls(store.listLlmCalls(trial.id), sheet));
    }
  }
  const analysis = analyseRun({
    trials, calls, callSummaries, transcriptSummaries, pricer: sheetPricer(sheet, overrides), comparisons: options.comparisons !== false, ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
  });
  const run = mergedRun(runs);
  // Where the trials ran, when on several engines (engines.ts).
  const engines = engineSection(trials);
  if (options.cache !== false) remember(store, key, { changes, run, analysis, engines });
  return withEngines(buildReport(run, analysis, buildOptions), engines);
}

/**
 * The report with its engines section added in place: spreading the report into a new object would
 * read its `comparisons` getter and so compute the paired comparisons a table or CSV never shows.
 */
function withEngines(report: Report, engines: EngineSection | undefined): Report {
  return engines ? Object.assign(report, engines) : report;
}
