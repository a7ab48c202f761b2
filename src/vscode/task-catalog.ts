/**
 * The tasks a run can use: the bundled ones and those under `kilobench.taskFolders` (a task, a
 * folder of tasks, or a Terminal-Bench checkout). Loaded once and kept until refreshed; every
 * loading error also shows as a diagnostic on the task's file.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Task } from '../core/tasks';
import type { TaskOption } from '../protocol';
import { Config } from './config';
import { loadCore } from './load-core';

export interface CatalogTask {
  task: Task;
  source: 'bundled' | 'workspace';
  /** The configured folder it was found under (absolute). */
  folder: string;
}

export interface CatalogFolder {
  folder: string;
  source: 'bundled' | 'workspace';
  label: string;
  tasks: CatalogTask[];
  /** The folder could not be read (missing, not a task folder…). */
  problem: string | null;
}

export function taskFile(task: Task): string {
  return join(task.path, task.format === 'harbor' ? 'task.toml' : 'task.yaml');
}

export function instructionFile(task: Task): string {
  return task.format === 'harbor' ? join(task.path, 'instruction.md') : taskFile(task);
}

export function taskOption(entry: CatalogTask, sourceLabel: string, formatError: (e: Task['errors'][number]) => string): TaskOption {
  const { task } = entry;
  return {
    key: task.path, id: task.id, name: task.name, source: entry.source, sourceLabel,
    format: task.format, difficulty: task.difficulty, category: task.category,
    problem: task.errors[0] ? formatError(task.errors[0]) : null,
  };
}

/** Files a task's diagnostics may go on when the file they name is missing. */
const TASK_FILES = ['task.yaml', 'task.toml', 'instruction.md', 'Dockerfile', 'docker-compose.yaml'];

export class TaskCatalog implements vscode.Disposable {
  private loading: Promise<CatalogFolder[]> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('kilobench');
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly config: Config, private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => Config.affects(e, 'taskFolders') && this.refresh()),
    ];
  }

  refresh(): void {
    this.loading = undefined;
    this.changed.fire();
  }

  folderLabel(folder: string): string {
    // Folders in the extension's own storage (mined and new tasks of this workspace) get a name, not a long path.
    if (/[/\\]kilobench\.kilobench[/\\](mined|tasks)$/.test(folder)) return folder.endsWith('mined') ? 'Mined from this workspace' : 'New tasks of this workspace';
    const root = this.config.workspaceRoot;
    const rel = root ? relative(root, folder) : folder;
    return rel && !rel.startsWith('..') ? rel : folder;
  }

  folders(): Promise<CatalogFolder[]> {
    this.loading ??= this.load();
    return this.loading;
  }

  async all(): Promise<CatalogTask[]> {
    return (await this.folders()).flatMap((f) => f.tasks);
  }

  async byKey(key: string): Promise<CatalogTask | undefined> {
    return (await this.all()).find((t) => t.task.path === key);
  }

  async options(): Promise<TaskOption[]> {
    const core = loadCore();
    return (await this.folders()).flatMap((f) => f.tasks.map((t) => taskOption(t, f.label, core.formatTaskError)));
  }

  private async load(): Promise<CatalogFolder[]> {
    const core = loadCore();
    const wanted: { folder: string; source: 'bundled' | 'workspace'; label: string }[] = [
      { folder: core.bundledTasksDir(this.extensionPath), source: 'bundled', label: 'Bundled' },
      ...[...new Set(this.config.taskFolders)].map((folder) => ({ folder, source: 'workspace' as const, label: this.folderLabel(folder) })),
    ];
    const folders = await Promise.all(wanted.map(async (w): Promise<CatalogFolder> => {
      try {
        const tasks = await core.loadTasks([w.folder]);
        return { ...w, tasks: tasks.map((task) => ({ task, source: w.source, folder: w.folder })), problem: null };
      } catch (e) {
        this.log.warn(`task folder ${w.folder}: ${(e as Error).message}`);
        return { ...w, tasks: [], problem: (e as Error).message };
      }
    }));
    this.diagnostics.clear();
    for (const { task } of folders.flatMap((f) => f.tasks)) {
      if (!task.errors.length && !task.warnings.length) continue;
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const [list, severity] of [[task.errors, vscode.DiagnosticSeverity.Error], [task.warnings, vscode.DiagnosticSeverity.Warning]] as const) {
        for (const error of list) {
          const line = Math.max(0, (error.line ?? 1) - 1);
          const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, 1000), `${error.field ? `${error.field}: ` : ''}${error.message}`, severity);
          diagnostic.source = 'KiloBench';
          const named = join(task.path, error.file || (task.format === 'harbor' ? 'task.toml' : 'task.yaml'));
          // A problem about a missing file goes on a file that exists (naming the missing one), never on a path that is not there.
          const file = existsSync(named) ? named : TASK_FILES.map((f) => join(task.path, f)).find((f) => existsSync(f));
          if (!file) {
            this.log.warn(`task ${task.path}: ${diagnostic.message}`);
            continue;
          }
          if (file !== named) {
            diagnostic.message = `${relative(task.path, named)}: ${diagnostic.message}`;
            diagnostic.range = new vscode.Range(0, 0, 0, 1000);
          }
          byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
        }
      }
      for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    }
    return folders;
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
