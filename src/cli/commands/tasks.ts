/** `kilobench tasks`: list the bundled tasks and any task folders given, with their errors. */
import type { Command } from 'commander';
import { bundledTasksDir, formatTaskError, loadTasks, type Task } from '../../core/tasks';
import { UsageError } from '../errors';
import { collect } from '../options';
import { formatTable } from '../table';
import { plural } from '../../core/format';

/** The `--json` shape: exactly one object with a `tasks` list. */
export interface TasksJson {
  tasks: {
    id: string;
    name: string;
    format: Task['format'];
    difficulty: Task['difficulty'];
    category: string;
    path: string;
    errors: string[];
    warnings: string[];
  }[];
}

export function tasksJson(tasks: readonly Task[]): TasksJson {
  return {
    tasks: tasks.map((t) => ({
      id: t.id,
      name: t.name,
      format: t.format,
      difficulty: t.difficulty,
      category: t.category,
      path: t.path,
      errors: t.errors.map(formatTaskError),
      warnings: t.warnings.map(formatTaskError),
    })),
  };
}

/** Bundled tasks (unless --no-bundled) plus every --path (a bad path is an input error: exit 2). */
export async function loadCliTasks(paths: readonly string[], bundled: boolean): Promise<Task[]> {
  return loadTasks([...(bundled ? [bundledTasksDir()] : []), ...paths]);
}

/** Tasks by a comma-separated id list (or all); unknown ids are a usage error. */
export function selectTasks(all: Task[], spec: string | undefined): Task[] {
  if (!spec || spec === 'all') return all;
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !all.some((t) => t.id === id));
  if (unknown.length) throw new UsageError(`unknown task ${unknown.length === 1 ? 'id' : 'ids'}: ${unknown.join(', ')} (see \`kilobench tasks\`)`);
  return wanted.map((id) => all.find((t) => t.id === id)!);
}

export function registerTasksCommand(program: Command): void {
  program
    .command('tasks')
    .description('List the bundled tasks and the task folders given, with their format, difficulty, category and errors.')
    .option('-p, --path <dir>', 'a task folder, or a folder of tasks such as a Terminal-Bench checkout (repeatable)', collect)
    .option('--no-bundled', 'leave out the tasks bundled with KiloBench')
    .option('--json', 'print one JSON object: {"tasks": [{id, name, format, difficulty, category, path, errors}]}')
    .addHelpText('after', '\nExit code: 0 when every task is valid, 1 when any has errors, 2 on bad usage.')
    .action(async (options: { path?: string[]; bundled: boolean; json?: boolean }) => {
      const tasks = await loadCliTasks(options.path ?? [], options.bundled);
      const invalid = tasks.filter((t) => t.errors.length > 0);
      if (options.json) {
        process.stdout.write(JSON.stringify(tasksJson(tasks), null, 2) + '\n');
      } else {
        const rows = tasks.map((t) => [t.id, t.format, t.difficulty, t.category, t.errors.length ? plural(t.errors.length, 'error') : 'ok']);
        process.stdout.write(formatTable(['TASK', 'FORMAT', 'DIFFICULTY', 'CATEGORY', 'STATUS'], rows) + '\n');
        for (const task of invalid) {
          process.stdout.write(`\n${task.id} (${task.path}):\n`);
          for (const error of task.errors) process.stdout.write(`  error: ${formatTaskError(error)}\n`);
        }
        const warned = tasks.filter((t) => t.warnings.length > 0);
        for (const task of warned) {
          for (const warning of task.warnings) process.stdout.write(`  warning: ${task.id}: ${formatTaskError(warning)}\n`);
        }
        process.stdout.write(`\n${plural(tasks.length, 'task')}, ${invalid.length} with errors\n`);
      }
      if (invalid.length > 0) process.exitCode = 1;
    });
}
