/**
 * The pool that runs a plan's trials: each trial waits for a slot on an engine (placement), starts
 * only while the run may still spend (cancel, run budget, rate-limit pause), runs with its retries
 * (trial-attempt.ts) and is counted in the run's progress. A trial whose engine is lost under it
 * moves to another engine; a trial that finished is never run again.
 */
import type { MeteringProxy } from '../meter';
import { EXCLUDED_FROM_PASS_RATE, type TrialStatus } from '../domain';
import { formatUsd } from '../format';
import type { PlannedTrial, RunPlan } from './plan';
import type { Task } from '../tasks/task';
import type { RunEvent, RunProgress } from './events';
import type { TrialRecorder } from './trial-recorder';
import { CONTAINER_DEFAULTS, type TrialOutcome } from './trial-runner';
import { runWithRetries, type AttemptDeps, type Placement } from './trial-attempt';
import type { EnginePlacement, PoolEngine, TaskNeeds } from './engine-placement';

export interface PoolDeps {
  plan: RunPlan;
  recorder: TrialRecorder;
  meter: Pick<MeteringProxy, 'totals'>;
  placement: EnginePlacement;
  attempt: AttemptDeps;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
}

/** What a task asks of an engine (the trial runner's defaults where it says nothing). */
export function taskNeeds(task: Task): TaskNeeds {
  return { cpus: task.environment.cpus ?? CONTAINER_DEFAULTS.cpus, memoryMb: task.environment.memoryMb ?? CONTAINER_DEFAULTS.memoryMb };
}

function needsOf(trial: PlannedTrial): TaskNeeds {
  return taskNeeds(trial.task);
}

export class TrialPool {
  readonly progress: RunProgress;
  readonly outcomes = new Map<string, TrialStatus>();

  constructor(private readonly deps: PoolDeps, total: number) {
    this.progress = { total, done: 0, running: 0, passed: 0, failed: 0, errors: 0, spendUsd: 0, unpricedCalls: 0, startedAt: Date.now() };
  }

  /** Count a metered call's cost in the progress. */
  countCall(costUsd: number | null): void {
    if (costUsd === null) this.progress.unpricedCalls++;
    else this.progress.spendUsd += costUsd;
    this.emitProgress();
  }

  async run(trials: PlannedTrial[]): Promise<void> {
    await Promise.all(trials.map((trial) => this.runOne(trial)));
  }

  private emitProgress(): void {
    this.deps.emit({ type: 'run_progress', runId: this.deps.plan.runId, progress: { ...this.progress }, engines: this.deps.placement.snapshot() });
  }

  private runBudgetSpent(): boolean {
    const { budgetUsd } = this.deps.plan.settings;
    const spent = this.deps.meter.totals(this.deps.plan.runId);
    return budgetUsd !== undefined && spent !== undefined && (spent.budgetExceeded || spent.costUsd >= budgetUsd);
  }

  private async runOne(trial: PlannedTrial): Promise<void> {
    const { recorder, placement, signal, plan } = this.deps;
    let engine: PoolEngine | undefined;
    try {
      engine = await placement.acquire(needsOf(trial), signal);
    } catch (e) {
      recorder.start(trial.id);
      return this.finish(trial, infraOutcome((e as Error).message));
    }
    try {
      if (!engine || signal.aborted) {
        recorder.skip(trial.id, 'cancelled', 'cancelled before it started');
        return this.finishSkipped(trial, 'cancelled');
      }
      if (this.runBudgetSpent()) {
        recorder.skip(trial.id, 'cancelled', `not started: the run budget of ${formatUsd(plan.settings.budgetUsd ?? 0)} was spent`);
        return this.finishSkipped(trial, 'cancelled', 'run budget spent');
      }
      await this.deps.attempt.rateLimits.wait();
      this.progress.running++;
      recorder.start(trial.id);
      recorder.placed(trial.id, engine.name);
      this.deps.emit({ type: 'trial_started', runId: plan.runId, trialId: trial.id, engine: engine.name });
      const held: { engine: PoolEngine | undefined } = { engine };
      const where: Placement = {
        get engine() {
          return held.engine as PoolEngine;
        },
        engineLost: () => placement.checkLost(held.engine as PoolEngine, 'the engine stopped answering'),
        move: async () => {
          placement.release(held.engine as PoolEngine);
          held.engine = undefined;
          const next = await placement.acquire(needsOf(trial), signal);
          held.engine = next;
          if (!next) return;
          recorder.placed(trial.id, next.name);
          this.deps.emit({ type: 'trial_placed', runId: plan.runId, trialId: trial.id, engine: next.name });
        },
      };
      let outcome: TrialOutcome;
      try {
        outcome = held.engine ? await runWithRetries(this.deps.attempt, trial, where) : cancelledOutcome();
      } finally {
        engine = held.engine;
      }
      if (!held.engine) outcome = cancelledOutcome();
      this.progress.running--;
      this.finish(trial, outcome, held.engine?.name);
    } finally {
      if (engine) placement.release(engine);
    }
  }

  private finish(trial: PlannedTrial, outcome: TrialOutcome, engine?: string): void {
    this.deps.recorder.finish(trial.id, outcome);
    this.count(trial, outcome.status, this.deps.recorder.spend(trial.id).costUsd, outcome.durationMs, outcome.error, engine);
  }

  private finishSkipped(trial: PlannedTrial, status: TrialStatus, error?: string): void {
    this.count(trial, status, null, 0, error);
  }

  private count(trial: PlannedTrial, status: TrialStatus, costUsd: number | null, durationMs: number, error?: string, engine?: string): void {
    const { progress } = this;
    this.outcomes.set(trial.id, status);
    progress.done++;
    if (status === 'passed') progress.passed++;
    else if (EXCLUDED_FROM_PASS_RATE.has(status)) progress.errors++;
    else progress.failed++;
    this.deps.emit({ type: 'trial_finished', runId: this.deps.plan.runId, trialId: trial.id, taskId: trial.task.id, modelId: trial.model?.id ?? trial.harness, status, costUsd, durationMs, ...(error ? { error } : {}), ...(engine ? { engine } : {}) });
    this.emitProgress();
  }
}

function infraOutcome(error: string): TrialOutcome {
  const now = new Date().toISOString();
  return { status: 'infra_error', tests: [], testsPassed: 0, testsFailed: 0, error, startedAt: now, finishedAt: now, durationMs: 0, buildMs: 0, agentMs: 0, testMs: 0 };
}

function cancelledOutcome(): TrialOutcome {
  return { ...infraOutcome('cancelled while waiting for an engine'), status: 'cancelled' };
}
