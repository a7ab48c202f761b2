/**
 * The Tasks tree: bundled tasks and the configured task folders, each with its validation state.
 * A task's errors also appear as diagnostics on its task file.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { bundledTasksDir, formatTaskError, loadTasks, type Task } from '../core/tasks';
import type { Ctx } from './context';

class TaskItem extends vscode.TreeItem {
  constructor(readonly task: Task) {
    super(task.name, vscode.TreeItemCollapsibleState.None);
    const invalid = task.errors.length > 0;
    this.description = `${task.format === 'harbor' ? 'Harbor' : 'TB 1.x'} · ${task.difficulty} · ${task.category}`;
    this.tooltip = invalid ? task.errors.map(formatTaskError).join('\n') : task.instruction.slice(0, 500);
    this.iconPath = new vscode.ThemeIcon(invalid ? 'error' : 'beaker', invalid ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
    this.contextValue = invalid ? 'task.invalid' : 'task.valid';
    this.command = { command: 'kilobench.openInstruction', title: 'Open Instruction', arguments: [this] };
  }
}

function taskFile(task: Task): string {
  return join(task.path, task.format === 'harbor' ? 'task.toml' : 'task.yaml');
}

class TasksProvider implements vscode.TreeDataProvider<TaskItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private tasks: Promise<Task[]> | undefined;

  constructor(private readonly ctx: Ctx, private readonly diagnostics: vscode.DiagnosticCollection) {}

  refresh(): void {
    this.tasks = undefined;
    this.changed.fire();
  }

  private folders(): string[] {
    const configured = vscode.workspace.getConfiguration('kilobench').get<string[]>('taskFolders', []);
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return [bundledTasksDir(this.ctx.extension.extensionPath), ...configured.map((p) => (base ? join(base, p) : p))];
  }

  private load(): Promise<Task[]> {
    this.tasks ??= loadTasks(this.folders()).then(
      (tasks) => {
        this.diagnostics.clear();
        for (const task of tasks.filter((t) => t.errors.length)) {
          this.diagnostics.set(vscode.Uri.file(taskFile(task)), task.errors.map((e) => {
            const line = Math.max(0, (e.line ?? 1) - 1);
            return new vscode.Diagnostic(new vscode.Range(line, 0, line, 1000), formatTaskError(e), vscode.DiagnosticSeverity.Error);
          }));
        }
        return tasks;
      },
      (e: Error) => {
        this.ctx.log.error(`loading tasks failed: ${e.message}`);
        void vscode.window.showErrorMessage(`KiloBench could not load tasks: ${e.message}`);
        return [];
      },
    );
    return this.tasks;
  }

  getTreeItem(item: TaskItem): TaskItem {
    return item;
  }

  async getChildren(parent?: TaskItem): Promise<TaskItem[]> {
    return parent ? [] : (await this.load()).map((t) => new TaskItem(t));
  }
}

export function activateTasksView(ctx: Ctx): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('kilobench');
  const provider = new TasksProvider(ctx, diagnostics);
  ctx.extension.subscriptions.push(diagnostics, vscode.window.registerTreeDataProvider('kilobench.tasks', provider));
  ctx.command('refreshTasks', () => provider.refresh());
  ctx.command('validateTasks', () => provider.refresh());
  ctx.command('openInstruction', async (item: TaskItem) => {
    const file = item.task.format === 'harbor' ? join(item.task.path, 'instruction.md') : taskFile(item.task);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  });
  ctx.extension.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('kilobench.taskFolders')) provider.refresh();
  }));
}
