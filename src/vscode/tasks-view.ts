/**
 * The Tasks tree: bundled and workspace task folders with their tasks, each showing its loading
 * errors (also diagnostics on the task file) and its last validation (oracle must pass, nop must
 * fail). Actions: validate, open instruction, "New task…" (TB 1.x or Harbor) and "New task from
 * this workspace…" (a Harbor task on a snapshot of the workspace's git-tracked files).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Task } from '../core/tasks';
import type { Ctx } from './context';
import { dockerUnreachable, EngineError } from './errors';
import { loadCore } from './load-core';
import { requireTrust } from './run-controller';
import { instructionFile, taskFile, type CatalogFolder, type CatalogTask } from './task-catalog';
import { checkTaskId, scaffoldTask, type ScaffoldFile, type ScaffoldFormat } from './task-scaffold';
import { ignoreInsideWorkspace, storageFolder } from './storage';
import { compareOnWorkspace, newTaskFromWorkspace } from './mine-workspace';
import { formatShortDate, plural } from '../core/format';

export const TASKS_VIEW = 'kilobench.tasks';

interface Validation {
  ok: boolean;
  problems: string[];
  at: string;
}

export type TasksNode =
  | { kind: 'folder'; folder: CatalogFolder }
  | { kind: 'task'; entry: CatalogTask };

const VALIDATIONS_KEY = 'kilobench.validations';

export class TasksTree implements vscode.TreeDataProvider<TasksNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    ctx.tasks.onDidChange(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  validation(task: Task): Validation | undefined {
    return this.ctx.extension.workspaceState.get<Record<string, Validation>>(VALIDATIONS_KEY, {})[task.path];
  }

  async setValidation(task: Task, validation: Validation): Promise<void> {
    const all = { ...this.ctx.extension.workspaceState.get<Record<string, Validation>>(VALIDATIONS_KEY, {}), [task.path]: validation };
    await this.ctx.extension.workspaceState.update(VALIDATIONS_KEY, all);
    this.changed.fire();
  }

  getTreeItem(node: TasksNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const { folder } = node;
      const item = new vscode.TreeItem(folder.label, folder.source === 'bundled' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.id = `folder:${folder.folder}`;
      item.description = folder.problem ? 'cannot be read' : plural(folder.tasks.length, 'task');
      item.tooltip = folder.problem ?? folder.folder;
      item.iconPath = new vscode.ThemeIcon(folder.problem ? 'warning' : folder.source === 'bundled' ? 'package' : 'folder', folder.problem ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
      item.contextValue = `taskFolder.${folder.source}`;
      return item;
    }
    const { task } = node.entry;
    const invalid = task.errors.length > 0;
    const validation = this.validation(task);
    const item = new vscode.TreeItem(task.id, vscode.TreeItemCollapsibleState.None);
    item.id = `task:${task.path}`;
    const state = invalid ? plural(task.errors.length, 'error') : validation ? (validation.ok ? 'validated' : 'validation failed') : 'not validated';
    item.description = `${task.format === 'harbor' ? 'Harbor' : 'TB 1.x'} · ${task.difficulty} · ${state}`;
    const core = loadCore();
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${task.name}** (${task.format === 'harbor' ? 'Harbor' : 'Terminal-Bench 1.x'}, ${task.difficulty}, ${task.category})\n\n`);
    if (invalid) md.appendMarkdown(task.errors.map((e) => `- $(error) ${core.formatTaskError(e)}`).join('\n') + '\n\n');
    if (task.warnings.length) md.appendMarkdown(task.warnings.map((e) => `- $(warning) ${core.formatTaskError(e)}`).join('\n') + '\n\n');
    if (validation) md.appendMarkdown(`Validation ${validation.at}: ${validation.ok ? 'the reference solution passes and doing nothing fails' : validation.problems.join('; ')}\n\n`);
    md.appendText(task.instruction.slice(0, 600) + (task.instruction.length > 600 ? '…' : ''));
    item.tooltip = md;
    item.iconPath = invalid ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : validation ? new vscode.ThemeIcon(validation.ok ? 'verified-filled' : 'warning', new vscode.ThemeColor(validation.ok ? 'testing.iconPassed' : 'problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon('beaker');
    item.contextValue = invalid ? 'task.invalid' : 'task.valid';
    item.command = { command: 'kilobench.openInstruction', title: 'Open Task Instruction', arguments: [node] };
    item.resourceUri = vscode.Uri.file(taskFile(task));
    return item;
  }

  async getChildren(parent?: TasksNode): Promise<TasksNode[]> {
    if (parent?.kind === 'task') return [];
    if (parent?.kind === 'folder') return parent.folder.tasks.map((entry) => ({ kind: 'task', entry }));
    try {
      const folders = await this.ctx.tasks.folders();
      return folders.map((folder) => ({ kind: 'folder', folder }));
    } catch (e) {
      this.ctx.fail('loading tasks failed', e);
      return [];
    }
  }
}

/**
 * The folder new tasks go in: the first configured task folder inside the workspace (the user chose
 * it), else `tasks/` in the extension's storage for this workspace (nothing written into the repository).
 */
async function newTaskHome(ctx: Ctx): Promise<string> {
  const root = ctx.config.workspaceRoot;
  if (!root) throw new EngineError('Open a folder first: new tasks are created for a workspace.');
  const inside = ctx.config.taskFolders.find((f) => !relative(root, f).startsWith('..'));
  if (inside) {
    await ignoreInsideWorkspace(root, inside);
    return inside;
  }
  const home = join(storageFolder(ctx.extension), 'tasks');
  await mkdir(home, { recursive: true });
  await ctx.config.addTaskFolder(home);
  return home;
}

async function writeScaffold(dir: string, files: readonly ScaffoldFile[]): Promise<void> {
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: 'wx' });
    if (file.executable) await chmod(path, 0o755);
  }
}

async function askTaskId(home: string, value = ''): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'New KiloBench task: id (its folder name)',
    value,
    placeHolder: 'fix-date-parsing',
    validateInput: (id) => checkTaskId(id) ?? (existsSync(join(home, id)) ? `${join(home, id)} already exists` : null),
  });
}

async function newTask(ctx: Ctx, tree: TasksTree): Promise<string | undefined> {
  const home = await newTaskHome(ctx);
  const format = await vscode.window.showQuickPick([
    { label: 'Harbor (Terminal-Bench 2.0)', description: 'task.toml, instruction.md, environment/, tests/test.sh, solution/', format: 'harbor' as ScaffoldFormat },
    { label: 'Terminal-Bench 1.x', description: 'task.yaml, Dockerfile, run-tests.sh, tests/, solution.sh', format: 'tb1' as ScaffoldFormat },
  ], { title: 'New KiloBench task: format' });
  if (!format) return undefined;
  const id = await askTaskId(home);
  if (!id) return undefined;
  const dir = join(home, id);
  await writeScaffold(dir, scaffoldTask(format.format, id));
  ctx.log.info(`new ${format.format} task scaffolded at ${dir}`);
  ctx.tasks.refresh();
  tree.refresh();
  await vscode.window.showTextDocument(vscode.Uri.file(join(dir, format.format === 'harbor' ? 'instruction.md' : 'task.yaml')));
  return dir;
}

async function validate(ctx: Ctx, tree: TasksTree, entries: CatalogTask[]): Promise<void> {
  requireTrust();
  const tasks = entries.map((e) => e.task).filter((t) => t.errors.length === 0);
  if (tasks.length === 0) throw new EngineError('no valid task to validate (fix the errors shown in the Problems view first)');
  const core = loadCore();
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `KiloBench: validating ${plural(tasks.length, 'task')} (oracle must pass, nop must fail)`, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    progress.report({ message: 'connecting to Docker…' });
    const runtime = new core.DockerRuntime(ctx.config.dockerHost);
    await runtime.ping().catch((e: Error) => { throw dockerUnreachable(e); });
    progress.report({ message: 'building images and running the reference solutions…' });
    let done = 0;
    const results = await core.validateTasks(runtime, tasks, {
      concurrency: ctx.config.concurrency,
      signal: abort.signal,
      ...(['none', 'host'].includes(ctx.config.network) ? { network: ctx.config.network as 'none' | 'host' } : {}),
      onBuildLog: (task, line) => ctx.log.trace(`build ${task}: ${line}`),
      onResult: (v) => {
        done++;
        progress.report({ message: `${done}/${tasks.length}: ${v.task} ${v.ok ? 'ok' : 'FAILED'}`, increment: 100 / tasks.length });
        const task = tasks.find((t) => t.id === v.task);
        if (task) void tree.setValidation(task, { ok: v.ok, problems: v.problems, at: formatShortDate(new Date().toISOString()) });
        ctx.log.info(`validate ${v.task}: ${v.ok ? 'ok' : v.problems.join('; ')} (${Math.round(v.durationMs / 1000)} s)`);
      },
    });
    const failed = results.filter((r) => !r.ok);
    if (abort.signal.aborted) void vscode.window.showWarningMessage('KiloBench: validation cancelled.');
    else if (failed.length) {
      void vscode.window.showWarningMessage(`KiloBench: ${failed.length} of ${plural(results.length, 'task')} failed validation: ${failed.map((f) => `${f.task} (${f.problems[0]})`).join('; ')}`, 'Show Log')
        .then((c) => c && ctx.log.show());
    } else void vscode.window.showInformationMessage(`KiloBench: ${plural(results.length, 'task')} validated: each reference solution passes and doing nothing fails.`);
  });
}

export function activateTasksView(ctx: Ctx) {
  const tree = new TasksTree(ctx);
  const view = vscode.window.createTreeView(TASKS_VIEW, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  ctx.extension.subscriptions.push(view);
  const selected = (node?: TasksNode, nodes?: TasksNode[]): Promise<CatalogTask[]> | CatalogTask[] => {
    const list = nodes?.length ? nodes : node ? [node] : [];
    if (list.length === 0) return ctx.tasks.all();
    return list.flatMap((n) => (n.kind === 'task' ? [n.entry] : n.folder.tasks));
  };
  return {
    tree,
    commands: {
      refreshTasks: () => ctx.tasks.refresh(),
      validateTasks: async (node?: TasksNode, nodes?: TasksNode[]) => validate(ctx, tree, await selected(node, nodes)),
      openInstruction: async (node?: TasksNode) => {
        const entry = node?.kind === 'task' ? node.entry : undefined;
        const task = entry?.task ?? (await pickTask(ctx));
        if (task) await vscode.window.showTextDocument(vscode.Uri.file(instructionFile(task)), { preview: true });
      },
      newTask: () => newTask(ctx, tree),
      newWorkspaceTask: () => newTaskFromWorkspace(ctx),
      compareOnWorkspace: () => compareOnWorkspace(ctx),
    },
  };
}

async function pickTask(ctx: Ctx): Promise<Task | undefined> {
  const all = await ctx.tasks.all();
  const picked = await vscode.window.showQuickPick(all.map((e) => ({ label: e.task.id, description: e.task.format === 'harbor' ? 'Harbor' : 'TB 1.x', detail: e.task.instruction.split('\n')[0], task: e.task })), { title: 'Open the instruction of…' });
  return picked?.task;
}
