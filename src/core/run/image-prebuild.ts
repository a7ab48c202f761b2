/**
 * Task images built ahead of the trials that need them. Trials run task by task, so without this
 * each new task's first trials wait for its image; here the run's images are made one after
 * another, in plan order, from the moment the run starts, while the first trials run. The runtime
 * shares a build between everyone who asks for the same image, so a trial that needs an image
 * being built waits for that build instead of starting another.
 *
 * A run on a pool does this on every engine at once, each for the tasks it can hold (an engine a task
 * does not fit never runs it), so no engine's first trial of a task waits for its image while the
 * engine idles. Each engine's runtime shares one build per tag (single-flight per engine and tag);
 * with a registry (`--registry`), the first engine to need a tag builds and pushes it and the
 * others pull it (docker-runtime.ts).
 */
import type { ContainerRuntime, ImageSpec } from '../runtime/container-runtime';
import type { Task } from '../tasks/task';

/** The image a trial of `task` runs in (the trial runner asks for exactly this). */
export function taskImageSpec(task: Task, buildImages?: boolean): ImageSpec {
  return {
    taskId: task.id,
    contextDir: task.environment.contextDir,
    dockerfile: task.environment.dockerfile,
    ...(task.environment.image ? { prebuiltImage: task.environment.image } : {}),
    ...(buildImages ? { preferBuild: true } : {}),
    buildTimeoutMs: task.environment.buildTimeoutSec * 1000,
  };
}

/**
 * Makes the images of `tasks` one at a time, in order, until done or `signal` aborts. Never
 * rejects: a failed build is the trial's to report (it asks again and records the error).
 */
export async function prebuildTaskImages(runtime: ContainerRuntime, tasks: readonly Task[], options: { buildImages?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  for (const task of tasks) {
    if (options.signal?.aborted) return;
    if (task.errors.length > 0) continue;
    await runtime.ensureImage(taskImageSpec(task, options.buildImages), undefined, options.signal).catch(() => undefined);
  }
}

