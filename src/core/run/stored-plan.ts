/**
 * A run's plan as the store keeps it (ids, task folders, model specs without keys, settings), and
 * back: what `--resume` needs to run the remaining trials exactly as planned.
 */
import { InputError } from '../errors';
import { loadTask } from '../tasks/load-tasks';
import { parseModelEntry } from '../models/models-file';
import type { RunRecord } from '../store';
import { DEFAULT_SETTINGS, type RunPlan, type RunSettings } from './plan';

export class ResumeError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

export async function planFromRecord(run: RunRecord): Promise<RunPlan> {
  const plan = run.plan as RunRecord['plan'] & { taskPaths?: unknown; modelSpecs?: unknown; harnesses?: unknown };
  if (!Array.isArray(plan.taskPaths)) throw new ResumeError(`run ${run.id} was not started by \`kilobench run\`; it cannot be resumed`);
  const tasks = await Promise.all(plan.taskPaths.map(async (path) => {
    const task = await loadTask(String(path));
    if (task.errors.length) throw new ResumeError(`task ${task.id} at ${path} no longer loads: ${task.errors[0]?.message}`);
    return task;
  }));
  const specs = Array.isArray(plan.modelSpecs) ? plan.modelSpecs : [];
  const models = specs.map((spec, i) => {
    const entry = { ...(spec as Record<string, unknown>) };
    if (entry.price === null) delete entry.price;
    if (entry.baseUrl === '') delete entry.baseUrl;
    return parseModelEntry(entry, `run ${run.id}: models[${i}]`);
  });
  const settings = { ...DEFAULT_SETTINGS, ...(run.settings as Partial<RunSettings>) };
  const harnesses = Array.isArray(plan.harnesses) ? plan.harnesses.map(String) : [];
  return { runId: run.id, name: run.name, tasks, models, harness: plan.harness, ...(harnesses.length > 1 ? { harnesses } : {}), settings };
}
