/**
 * What every metric needs to know about one trial, derived once: which (model, harness) group it
 * belongs to, whether it counts as an attempt, whether it passed, its cost (null when unknown) and
 * tokens, and its calls and transcript in order.
 */
import type { CallSummary, TranscriptToolSummary } from '../calls';
import { addUsage, EXCLUDED_FROM_PASS_RATE, zeroUsage, type TokenUsage } from '../domain';
import type { LlmCallRecord, TranscriptEventRecord, AnalysedTrial } from '../store';

/** Every trial/model figure is kept per (model, harness). */
export interface GroupKey {
  model: string;
  harness: string;
}

export function groupId(key: GroupKey): string {
  return JSON.stringify([key.model, key.harness]);
}

export function sameGroup(a: GroupKey, b: GroupKey): boolean {
  return a.model === b.model && a.harness === b.harness;
}

/** Why a trial's cost is unknown or special. */
export type TrialCostFlag =
  /** Some call had no price (or the trial record says so): cost is null. */
  | 'unpriced'
  /** No calls were given for the trial and its record has no cost: cost is null. */
  | 'unmetered'
  /** Calls were given and the trial made none: cost is $0 (known, not assumed). */
  | 'no-llm-calls'
  /** Some usage was estimated by the meter (the provider reported none). */
  | 'estimated';

export interface TrialFacts {
  trial: AnalysedTrial;
  group: GroupKey;
  groupId: string;
  /** Counted in pass rates (its status is not in EXCLUDED_FROM_PASS_RATE). */
  attempt: boolean;
  passed: boolean;
  /** Metered spend in USD; null when unknown (never 0 for unknown). */
  costUsd: number | null;
  costFlags: TrialCostFlag[];
  tokens: TokenUsage;
  /** The trial's LLM calls by `seq` (empty when `summary` stands for them). */
  calls: LlmCallRecord[];
  /** The store's summary of the trial's calls, when the analysis was given summaries instead of calls. */
  summary?: CallSummary;
  /** The trial's transcript by `seq` (empty when `transcript` stands for it). */
  events: TranscriptEventRecord[];
  /** The store's summary of the trial's transcript, when the analysis was given summaries instead of events. */
  transcript?: TranscriptToolSummary;
}

export function recordedOrder(a: AnalysedTrial, b: AnalysedTrial): number {
  if (a.trialIndex !== b.trialIndex) return a.trialIndex - b.trialIndex;
  const sa = a.startedAt ?? '\uffff';
  const sb = b.startedAt ?? '\uffff';
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The calls, events or cost flags of a trial that has none: one array for all of them, frozen (nothing changes a trial's facts). */
const NONE = Object.freeze([]) as unknown as never[];

function indexBy<T extends { trialId: string; seq: number }>(items: readonly T[] | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items ?? []) {
    const list = map.get(item.trialId);
    if (list) list.push(item);
    else map.set(item.trialId, [item]);
  }
  for (const list of map.values()) list.sort((a, b) => a.seq - b.seq);
  return map;
}

/**
 * Derives each trial's facts. Cost and tokens come from the trial's calls when calls are given
 * (`calls` not undefined): the sum of the calls' costs, null if any call is unpriced; a trial
 * with no calls then cost $0 (flag `no-llm-calls`) unless its record carries a cost. Without
 * calls, the trial record's own `costUsd` and `tokens` are used (null cost: flag `unmetered`).
 * A record flagged `unpriced` is always null. `summaries` (the store's per-trial call summaries)
 * stand for the calls of the trials they name, exactly as if those calls had been given;
 * `transcripts` (the store's per-trial transcript summaries) stand for every trial's events.
 */
export function trialFacts(
  trials: readonly AnalysedTrial[],
  calls: readonly LlmCallRecord[] | undefined,
  events: readonly TranscriptEventRecord[] | undefined,
  summaries?: ReadonlyMap<string, CallSummary>,
  transcripts?: ReadonlyMap<string, TranscriptToolSummary>,
): TrialFacts[] {
  const callsByTrial = indexBy(calls);
  const eventsByTrial = indexBy(events);
  const metered = calls !== undefined || summaries !== undefined;
  // One group key object and id per (model, harness), not per trial.
  const groupKeys = new Map<string, Map<string, { group: GroupKey; id: string }>>();
  return trials.map((trial) => {
    let byHarness = groupKeys.get(trial.modelId);
    if (!byHarness) groupKeys.set(trial.modelId, (byHarness = new Map()));
    let key = byHarness.get(trial.harness);
    if (!key) {
      const g = { model: trial.modelId, harness: trial.harness };
      byHarness.set(trial.harness, (key = { group: g, id: groupId(g) }));
    }
    const group = key.group;
    const summary = summaries?.get(trial.id);
    const own = summary ? NONE : callsByTrial.get(trial.id) ?? NONE;
    let estimated = false;
    let unpriced = false;
    let noCalls = false;
    let unmetered = false;
    let costUsd: number | null;
    let tokens: TokenUsage;
    if (summary && summary.calls > 0) {
      tokens = summary.tokens;
      costUsd = summary.costUsd;
      estimated = summary.estimated;
      unpriced = summary.unpriced;
    } else if (own.length > 0) {
      tokens = own.reduce((acc, call) => addUsage(acc, call.usage), zeroUsage());
      costUsd = 0;
      for (const call of own) {
        if (call.estimated) estimated = true;
        if (call.costUsd === null || call.costSource === 'unpriced') {
          unpriced = true;
          costUsd = null;
        } else if (costUsd !== null) {
          costUsd += call.costUsd;
        }
      }
    } else {
      tokens = trial.tokens;
      costUsd = trial.costUsd;
      if (costUsd === null) {
        if (metered) {
          costUsd = 0;
          noCalls = true;
        } else {
          unmetered = true;
        }
      }
    }
    if (trial.costFlags.length > 0) {
      if (trial.costFlags.includes('unpriced')) {
        unpriced = true;
        costUsd = null;
      }
      if (trial.costFlags.includes('estimated')) estimated = true;
    }
    // In sorted order, without a set per trial.
    const costFlags: TrialCostFlag[] = estimated || noCalls || unmetered || unpriced ? [] : NONE;
    if (estimated) costFlags.push('estimated');
    if (noCalls) costFlags.push('no-llm-calls');
    if (unmetered) costFlags.push('unmetered');
    if (unpriced) costFlags.push('unpriced');
    const facts: TrialFacts = {
      trial,
      group,
      groupId: key.id,
      attempt: !EXCLUDED_FROM_PASS_RATE.has(trial.status),
      passed: trial.status === 'passed',
      costUsd,
      costFlags,
      tokens,
      calls: own,
      events: transcripts ? NONE : eventsByTrial.get(trial.id) ?? NONE,
    };
    if (summary) facts.summary = summary;
    // With transcript summaries, a trial without one had no tool calls or commands: no events.
    const transcript = transcripts?.get(trial.id);
    if (transcript) facts.transcript = transcript;
    return facts;
  });
}

/** Groups in first-seen order of `items`, sorted by model then harness for a stable report. */
export function groupsOf(facts: readonly TrialFacts[]): GroupKey[] {
  const seen = new Map<string, GroupKey>();
  for (const f of facts) if (!seen.has(f.groupId)) seen.set(f.groupId, f.group);
  return [...seen.values()].sort((a, b) => compareText(a.model, b.model) || compareText(a.harness, b.harness));
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
