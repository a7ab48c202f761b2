/**
 * Spend per trial and per run, kept in memory, and the budgets that stop new requests. A request
 * is refused when the budget is already spent when it starts (spent ≥ limit); calls already in
 * flight finish and are counted, so the total can end a little above the limit.
 * Unpriced calls add no dollars (they are counted apart); a token budget still covers them.
 */
import { type Budget, type MeteredCall, type Totals } from './types';
import { addUsage, totalTokens, ZERO_USAGE } from '../domain';

function emptyTotals(): Totals {
  return { calls: 0, costUsd: 0, usage: { ...ZERO_USAGE }, unpricedCalls: 0, estimatedCalls: 0, budgetExceeded: false };
}

function spent(totals: Totals, budget: Budget | undefined): boolean {
  if (!budget) return false;
  if (budget.usd !== undefined && totals.costUsd >= budget.usd) return true;
  if (budget.tokens !== undefined && totalTokens(totals.usage) >= budget.tokens) return true;
  return false;
}

export interface BudgetVerdict {
  scope: 'trial' | 'run';
  budget: Budget;
  totals: Totals;
}

export class BudgetLedger {
  private readonly trials = new Map<string, Totals>();
  private readonly runs = new Map<string, Totals>();
  private readonly trialBudgets = new Map<string, Budget>();
  private readonly runBudgets = new Map<string, Budget>();

  setTrialBudget(trialId: string, budget: Budget | undefined): void {
    if (budget) this.trialBudgets.set(trialId, { ...budget });
    else this.trialBudgets.delete(trialId);
  }

  setRunBudget(runId: string, budget: Budget | undefined): void {
    if (budget) this.runBudgets.set(runId, { ...budget });
    else this.runBudgets.delete(runId);
  }

  /**
   * Dollars a run spent before this ledger existed (recorded by an earlier process of a resumed run):
   * they count against its budget like the calls metered here.
   */
  carryOverRunSpend(runId: string, usd: number): void {
    this.run(runId).costUsd += usd;
  }

  /** Why a new request of this trial must be refused, or null when it may start. */
  check(trialId: string, runId: string): BudgetVerdict | null {
    const trial = this.trial(trialId);
    const trialBudget = this.trialBudgets.get(trialId);
    if (spent(trial, trialBudget)) return { scope: 'trial', budget: trialBudget as Budget, totals: trial };
    const run = this.run(runId);
    const runBudget = this.runBudgets.get(runId);
    if (spent(run, runBudget)) return { scope: 'run', budget: runBudget as Budget, totals: run };
    return null;
  }

  /** Marks the trial as stopped by a budget; true the first time. */
  markExceeded(trialId: string): boolean {
    const trial = this.trial(trialId);
    if (trial.budgetExceeded) return false;
    trial.budgetExceeded = true;
    return true;
  }

  record(call: MeteredCall): void {
    for (const totals of [this.trial(call.trialId), this.run(call.runId)]) {
      totals.calls += 1;
      totals.usage = addUsage(totals.usage, call.usage);
      if (call.costUsd !== null) totals.costUsd += call.costUsd;
      if (call.costSource === 'unpriced') totals.unpricedCalls += 1;
      if (call.estimated) totals.estimatedCalls += 1;
    }
  }

  /** A copy of the totals of a trial (looked up first) or a run. */
  totals(id: string): Totals | undefined {
    const totals = this.trials.get(id) ?? this.runs.get(id);
    return totals ? { ...totals, usage: { ...totals.usage } } : undefined;
  }

  private trial(id: string): Totals {
    let totals = this.trials.get(id);
    if (!totals) this.trials.set(id, (totals = emptyTotals()));
    return totals;
  }

  private run(id: string): Totals {
    let totals = this.runs.get(id);
    if (!totals) this.runs.set(id, (totals = emptyTotals()));
    return totals;
  }
}
