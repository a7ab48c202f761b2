/**
 * Per-trial summaries of LLM calls (`trial_call_summaries`), kept current as calls are applied, so a
 * report over a million calls reads one row per trial. The summary is the analysis's own fold
 * (`addCall`), priced with the run's own price overrides; a call that arrives out of order or is
 * recorded twice makes the trial's summary be folded again from all its calls, so the row always
 * equals what the analysis would compute from the calls.
 */
import {
  addCall, CALL_SUMMARY_SHAPE, callSummaryBytes, callSummaryFromBytes, emptyCallSummary, planPriceOverrides, pricingKey, summariseCalls, usagePricer, type CallSummary, type UsagePricer,
} from '../calls';
import type { Db } from './db';
import { listLlmCalls } from './queries';
import type { LlmCallRecord, NewLlmCall, PlanRecord } from './records';

/** The run's prices: its overrides as JSON (what the row records) and a pricer using them. */
interface RunPricing {
  key: string;
  pricer: UsagePricer;
}

/** Pricers by the plan JSON they come from (a plan is written once per run, so this stays small). */
const pricings = new Map<string, RunPricing>();

function runPricing(db: Db, runId: string): RunPricing {
  const planJson = String(db.get('SELECT plan_json FROM runs WHERE id = $id', { id: runId })?.plan_json ?? '{}');
  let pricing = pricings.get(planJson);
  if (!pricing) {
    const plan = JSON.parse(planJson) as PlanRecord;
    const overrides = planPriceOverrides([plan]);
    pricing = { key: pricingKey(overrides), pricer: usagePricer(overrides) };
    if (pricings.size > 256) pricings.clear();
    pricings.set(planJson, pricing);
  }
  return pricing;
}

function save(db: Db, trialId: string, runId: string, key: string, summary: CallSummary): void {
  db.run(
    "INSERT INTO trial_call_summaries (trial_id, run_id, pricing, summary_json, summary, shape) VALUES ($trial_id, $run_id, $pricing, '', $summary, $shape) " +
    'ON CONFLICT (trial_id) DO UPDATE SET run_id = excluded.run_id, pricing = excluded.pricing, summary_json = excluded.summary_json, summary = excluded.summary, shape = excluded.shape',
    { trial_id: trialId, run_id: runId, pricing: key, summary: callSummaryBytes(summary), shape: CALL_SUMMARY_SHAPE },
  );
}

/** Folds the trial's summary again from all its stored calls. */
export function rebuildCallSummary(db: Db, runId: string, trialId: string): void {
  const { key, pricer } = runPricing(db, runId);
  save(db, trialId, runId, key, summariseCalls(listLlmCalls(db, trialId), pricer));
}

/** Some stored summary has another shape than this KiloBench folds (`CALL_SUMMARY_SHAPE`). */
export function callSummariesStale(db: Db): boolean {
  return db.get('SELECT 1 AS stale FROM trial_call_summaries WHERE shape <> $shape LIMIT 1', { shape: CALL_SUMMARY_SHAPE }) !== undefined;
}

/** Rebuilds every trial's summary (after an upgrade from a schema without them, or a new summary shape). */
export function rebuildAllCallSummaries(db: Db): void {
  db.run('DELETE FROM trial_call_summaries');
  for (const row of db.all('SELECT DISTINCT run_id, trial_id FROM llm_calls')) rebuildCallSummary(db, String(row.run_id), String(row.trial_id));
}

/**
 * Brings the trial's summary up to date after `call` was applied. `replaced` says the call's id was
 * already stored (its old values are in the summary, so it is folded again from scratch).
 */
export function updateCallSummary(db: Db, runId: string, call: NewLlmCall, replaced: boolean): void {
  const row = db.get('SELECT pricing, summary, shape FROM trial_call_summaries WHERE trial_id = $id', { id: call.trialId });
  const { key, pricer } = runPricing(db, runId);
  const current = row && row.shape === CALL_SUMMARY_SHAPE && row.pricing === key;
  const summary = current ? callSummaryFromBytes(row.summary as Uint8Array) : emptyCallSummary();
  // Calls arrive in seq order in practice; anything else (a late call, a replayed one, prices
  // changed by a new plan, a summary of an older shape) is folded again in seq order, as the analysis would read them.
  if (replaced || (row && (!current || call.seq <= summary.lastSeq))) {
    rebuildCallSummary(db, runId, call.trialId);
    return;
  }
  save(db, call.trialId, runId, key, addCall(summary, asRecord(runId, call), pricer));
}

/** The call as the store reads it back (optional fields filled as the database fills them). */
function asRecord(runId: string, c: NewLlmCall): LlmCallRecord {
  return {
    ...c,
    runId,
    servedModel: c.servedModel ?? null,
    httpStatus: c.httpStatus ?? null,
    latencyMs: c.latencyMs ?? null,
    ttftMs: c.ttftMs ?? null,
    usageRaw: c.usageRaw ?? null,
    toolCalls: c.toolCalls ?? [],
    error: c.error ?? null,
  };
}
