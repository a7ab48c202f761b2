/**
 * Finding and loading tasks. A path given by the user is either one task (it holds `task.yaml` or
 * `task.toml`) or a folder of tasks such as a Terminal-Bench checkout (`tasks/` below it is also
 * searched). Each task comes back with its own error list; nothing invalid is dropped silently.
 */
import { InputError } from '../errors';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadHarborTask, HARBOR_TASK_FILE } from './harbor-loader';
import { loadTb1Task, TB1_TASK_FILE } from './tb1-loader';
import { findEscapingSymlinks } from './task-files';
import type { Task } from './task';

export class TaskPathError extends InputError {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** `tb1`, `harbor`, or undefined when the folder is not a task. */
export async function detectFormat(dir: string): Promise<Task['format'] | undefined> {
  const [yaml, toml] = await Promise.all([isFile(join(dir, TB1_TASK_FILE)), isFile(join(dir, HARBOR_TASK_FILE))]);
  if (toml) return 'harbor';
  if (yaml) return 'tb1';
  return undefined;
}

/** Files that mark a folder as meant to be a task even when its task file is missing. */
const TASK_MARKERS = ['Dockerfile', 'run-tests.sh', 'instruction.md', 'environment', 'solution.sh', 'solution.yaml', 'solution'];

async function looksLikeTask(dir: string): Promise<boolean> {
  if (await detectFormat(dir)) return true;
  const found = await Promise.all(TASK_MARKERS.map((name) => stat(join(dir, name)).then(() => true, () => false)));
  return found.some(Boolean);
}

/** Load one task folder (format detected from its task file). */
export async function loadTask(dir: string): Promise<Task> {
  const path = resolve(dir);
  const format = await detectFormat(path);
  const task = format === 'harbor' ? await loadHarborTask(path) : await loadTb1Task(path);
  const [hasYaml, hasToml] = await Promise.all([isFile(join(path, TB1_TASK_FILE)), isFile(join(path, HARBOR_TASK_FILE))]);
  if (hasYaml && hasToml) {
    task.warnings.push({ file: TB1_TASK_FILE, message: 'both task.yaml and task.toml exist; loaded as a Harbor task (task.toml)' });
  }
  // A link the loader already refused is reported once, under its own file.
  const reported = new Set(task.errors.map((e) => e.file));
  task.errors.push(...(await findEscapingSymlinks(path)).filter((e) => !reported.has(e.file)));
  return task;
}

/** Task folders at `path`: the folder itself, or its task-holding children (also under `tasks/`). */
export async function findTaskDirs(path: string): Promise<string[]> {
  const root = resolve(path);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new TaskPathError(root, `task folder not found: ${root}`);
  if (!info.isDirectory()) throw new TaskPathError(root, `not a folder: ${root}`);
  if (await detectFormat(root)) return [root];
  // Children with a task file, plus those that look like a task but lack it (so they get reported).
  const childrenOf = async (dir: string): Promise<{ withTaskFile: number; dirs: string[] }> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(dir, e.name)).sort();
    const [formats, marked] = await Promise.all([Promise.all(dirs.map(detectFormat)), Promise.all(dirs.map(looksLikeTask))]);
    return { withTaskFile: formats.filter(Boolean).length, dirs: dirs.filter((_, i) => marked[i]) };
  };
  const direct = await childrenOf(root);
  if (direct.withTaskFile > 0) return direct.dirs;
  // A Terminal-Bench checkout keeps its tasks in tasks/.
  const nested = await childrenOf(join(root, 'tasks'));
  if (nested.withTaskFile > 0) return nested.dirs;
  if (direct.dirs.length > 0) return direct.dirs;
  // The folder itself is meant to be a task but lacks its task file: load it so that is reported.
  if (await looksLikeTask(root)) return [root];
  throw new TaskPathError(root, `no tasks in ${root}: a task folder holds task.yaml (Terminal-Bench 1.x) or task.toml (Harbor)`);
}

/**
 * Load every task under the given paths. Ids must be unique across all of them: a later task with
 * an id already seen gets an error naming the first one.
 */
export async function loadTasks(paths: readonly string[]): Promise<Task[]> {
  const dirs = (await Promise.all(paths.map(findTaskDirs))).flat();
  const unique = [...new Set(dirs)];
  const tasks = await Promise.all(unique.map(loadTask));
  const seen = new Map<string, string>();
  for (const task of tasks) {
    const first = seen.get(task.id);
    if (first) task.errors.push({ file: '.', message: `duplicate task id "${task.id}" (also at ${first})` });
    else seen.set(task.id, task.path);
  }
  return tasks;
}
