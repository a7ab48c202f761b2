/**
 * A new run's plan from choices already made (tasks loaded, models resolved): the settings with
 * their defaults, the run id and name. The CLI (`kilobench run`) and the editor's Benchmark view both
 * build plans here, so they cannot drift apart.
 */
import { InputError } from '../errors';
import { randomBytes } from 'node:crypto';
import { getHarness } from '../harness/registry';
import { parseHarnessList } from '../harness/harness-spec';
import type { Harness } from '../harness/harness';
import type { ModelSpec } from '../models/model-spec';
import type { Task } from '../tasks/task';
import { DEFAULT_SETTINGS, trialId, type RunPlan, type RunSettings } from './plan';
import { NETWORK_SETTINGS } from './task-network';

export class PlanError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

/**
 * Upper bounds of the settings: beyond them a value is a typo, not a plan (a million trials, a
 * timeout multiplier that pushes a Node timer past ~24.8 days, where it fires at once).
 */
export const RUN_LIMITS = {
  trialsPerPair: 1000,
  concurrency: 64,
  /** Task timeouts are at most a day; × 20 stays below the largest Node timer. */
  timeoutMultiplier: 20,
} as const;

/** A sortable, readable run id: `<kind>-20261126-184512-a1b2`. */
export function newRunId(kind: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Settings over the defaults; budgets left undefined mean "no limit". */
export function runSettings(choices: Partial<RunSettings>): RunSettings {
  const settings: RunSettings = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(choices) as [keyof RunSettings, RunSettings[keyof RunSettings]][]) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return settings;
}

export interface NewPlanInput {
  tasks: readonly Task[];
  models: readonly ModelSpec[];
  /** One harness name or a comma-separated list (`kilo@7.7.2,kilo@7.7.9`). */
  harness: string;
  settings: Partial<RunSettings>;
  name?: string;
  runId?: string;
}

/** Checks the choices and builds the plan; every mistake is a PlanError that says what to change. */
export function buildPlan(input: NewPlanInput): RunPlan {
  const all = planHarnessList(input.harness);
  const harness = all[0] as Harness;
  if (input.tasks.length === 0) throw new PlanError('no tasks to run');
  const invalid = input.tasks.filter((t) => t.errors.length);
  if (invalid.length) throw new PlanError(`invalid task(s): ${invalid.map((t) => t.id).join(', ')}`);
  if (harness.needsModel && input.models.length === 0) throw new PlanError(`the ${harness.name} harness needs at least one model`);
  const models = harness.needsModel ? [...input.models] : [];
  // Trial ids are made from model ids: a model named twice (or two that read alike) would share trials.
  const trialKeys = new Map<string, string>();
  for (const model of models) {
    const key = trialId('', '', model.id, 0);
    const earlier = trialKeys.get(key);
    if (earlier !== undefined) throw new PlanError(earlier === model.id ? `model ${model.id} is named twice` : `models ${earlier} and ${model.id} cannot be told apart in trial ids; rename one`);
    trialKeys.set(key, model.id);
  }
  const settings = runSettings(input.settings);
  for (const key of ['trialsPerPair', 'concurrency'] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] < 1) throw new PlanError(`${key} must be a whole number ≥ 1, not ${settings[key]}`);
    if (settings[key] > RUN_LIMITS[key]) throw new PlanError(`${key} must be at most ${RUN_LIMITS[key]}, not ${settings[key]}`);
  }
  for (const key of ['agentTimeoutMultiplier', 'testTimeoutMultiplier'] as const) {
    const v = settings[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > RUN_LIMITS.timeoutMultiplier) {
      throw new PlanError(`${key} must be a number > 0 and at most ${RUN_LIMITS.timeoutMultiplier}, not ${v}`);
    }
  }
  if (!Number.isSafeInteger(settings.seed) || settings.seed < 0) throw new PlanError(`seed must be a whole number ≥ 0, not ${settings.seed}`);
  for (const key of ['budgetUsd', 'trialBudgetUsd'] as const) {
    const v = settings[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new PlanError(`${key} must be a number ≥ 0, not ${v}`);
  }
  if (settings.network !== undefined && !(NETWORK_SETTINGS as readonly string[]).includes(settings.network)) {
    throw new PlanError(`network must be one of ${NETWORK_SETTINGS.join(', ')}, not "${String(settings.network)}"`);
  }
  if (settings.dockerNetwork !== undefined && (typeof settings.dockerNetwork !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(settings.dockerNetwork))) {
    throw new PlanError(`dockerNetwork must be a Docker network name (letters, digits, _ . -), not "${String(settings.dockerNetwork)}"`);
  }
  if (settings.dockerNetwork !== undefined && settings.network === 'host') throw new PlanError('dockerNetwork cannot be used with network "host"');
  return {
    runId: input.runId ?? newRunId('run'),
    name: input.name ?? `${all.map((h) => h.name).join(', ')} · ${models.map((m) => m.id).join(', ') || 'no model'}`,
    tasks: [...input.tasks],
    models,
    harness: harness.name,
    ...(all.length > 1 ? { harnesses: all.map((h) => h.name) } : {}),
    settings,
  };
}

/** The harnesses of `kilo@7.7.2,kilo@7.7.9`; all must agree on whether they use a model. */
export function planHarnessList(text: string): Harness[] {
  let harnesses: Harness[];
  try {
    harnesses = parseHarnessList(text).map((spec) => getHarness(spec.name));
  } catch (e) {
    throw new PlanError((e as Error).message);
  }
  const first = harnesses[0] as Harness;
  const odd = harnesses.find((h) => h.needsModel !== first.needsModel);
  if (odd) throw new PlanError(`harnesses ${first.name} and ${odd.name} cannot share a run: one uses a model and the other does not`);
  return harnesses;
}
