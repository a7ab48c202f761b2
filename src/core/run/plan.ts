/**
 * A run plan: tasks × models × harness × trials, with the settings that shape it. Trials are ordered
 * round by round and, within a round, task by task with the models interleaved, so a run stopped
 * early (budget, cancel) leaves every model with a comparable sample.
 */
import type { ModelSpec } from '../models/model-spec';
import type { Task } from '../tasks/task';
import type { NetworkSetting } from './task-network';

export interface RunSettings {
  concurrency: number;
  trialsPerPair: number;
  agentTimeoutMultiplier: number;
  testTimeoutMultiplier: number;
  /** Whole-run spend limit in US dollars. */
  budgetUsd?: number;
  /** Per-trial spend limit in US dollars. */
  trialBudgetUsd?: number;
  seed: number;
  /** Times a trial is run again after an infrastructure error (never after an agent's fail). */
  maxInfraRetries: number;
  /** `task` (default): each task's own network; `none`: no task gets one; `host`: the host's network (opt-in). */
  network?: NetworkSetting;
  /** An existing Docker network for tasks with network, instead of one KiloBench makes for the run. */
  dockerNetwork?: string;
  /** Build every task's image from its Dockerfile, even when the task names a prebuilt image. */
  buildImages?: boolean;
}

export const DEFAULT_SETTINGS: RunSettings = {
  concurrency: 2,
  trialsPerPair: 3,
  agentTimeoutMultiplier: 1,
  testTimeoutMultiplier: 1,
  seed: 1,
  maxInfraRetries: 2,
};

export interface RunPlan {
  runId: string;
  name: string;
  tasks: Task[];
  /** Empty for harnesses that need no model (oracle, nop). */
  models: ModelSpec[];
  /** The (first) harness; `harnesses` lists all of them when a run compares several (versions). */
  harness: string;
  /** Every harness of the run, `harness` first (`kilo@7.7.2`, `kilo@7.7.9`); absent means `[harness]`. */
  harnesses?: string[];
  settings: RunSettings;
}

/** The harnesses of a plan, in order. */
export function planHarnesses(plan: Pick<RunPlan, 'harness' | 'harnesses'>): string[] {
  return plan.harnesses?.length ? plan.harnesses : [plan.harness];
}

export interface PlannedTrial {
  id: string;
  task: Task;
  /** Undefined for harnesses without a model; the trial is then reported under the harness's name. */
  model: ModelSpec | undefined;
  /** The harness that runs it (one of the plan's harnesses). */
  harness: string;
  trialIndex: number;
  seed: number;
}

/** A per-trial seed derived from the run seed and the trial's identity (stable across resumes). */
export function trialSeed(runSeed: number, id: string): number {
  let h = (runSeed >>> 0) ^ 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function trialId(runId: string, taskId: string, modelId: string, index: number): string {
  return `${runId}.${taskId}.${modelId.replace(/[^A-Za-z0-9._-]+/g, '_')}.${index + 1}`;
}

/**
 * With one harness, trial ids are as they always were; with several, each id also names its harness
 * (`….sim_direct_kilo_7.7.2.1`). The seed is derived from the id without the harness, so every
 * harness version meets the same simulated behaviour on the same (task, model, index): a paired
 * comparison.
 */
export function planTrials(plan: RunPlan): PlannedTrial[] {
  const models: (ModelSpec | undefined)[] = plan.models.length ? plan.models : [undefined];
  const harnesses = planHarnesses(plan);
  const trials: PlannedTrial[] = [];
  for (let index = 0; index < plan.settings.trialsPerPair; index++) {
    for (const task of plan.tasks) {
      for (const model of models) {
        for (const harness of harnesses) {
          const single = trialId(plan.runId, task.id, model?.id ?? harness, index);
          const id = harnesses.length > 1 ? trialId(plan.runId, task.id, `${model?.id ?? 'none'}@${harness}`, index) : single;
          trials.push({ id, task, model, harness, trialIndex: index, seed: trialSeed(plan.settings.seed, harnesses.length > 1 ? trialId(plan.runId, task.id, model?.id ?? 'none', index) : single) });
        }
      }
    }
  }
  return trials;
}
