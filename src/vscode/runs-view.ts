/**
 * The Runs tree: runs → models → trials, read from the results store (runs-model.ts decides what
 * each node shows). Refreshes as the active run goes and when the database file changes (the CLI).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { Ctx } from './context';
import { modelNodes, runNode, trialNodes, type RunsNode } from './runs-model';
import { throttle } from './panel-base';

export const RUNS_VIEW = 'kilobench.runs';

export class RunsTree implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private offeredResume = false;
  /** Set once the view exists: a line above the tree for problems that need no popup. */
  view: vscode.TreeView<RunsNode> | undefined;

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const collapsible = node.kind === 'trial' ? vscode.TreeItemCollapsibleState.None
      : node.kind === 'run' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.kind === 'run' ? `run:${node.runId}` : node.kind === 'model' ? `model:${node.runId}:${node.model}:${node.harness}` : `trial:${node.trialId}`;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.kind === 'trial') item.command = { command: 'kilobench.openTranscript', title: 'Open Transcript', arguments: [node] };
    return item;
  }

  async getChildren(parent?: RunsNode): Promise<RunsNode[]> {
    // No results database yet: nothing to show, and opening the view must not create one.
    if (!parent && !this.ctx.engine.running && !existsSync(this.ctx.engine.dbPath)) return [];
    try {
      return await this.ctx.engine.read(({ store }) => {
        const active = this.ctx.engine.running ? this.ctx.engine.status?.runId ?? null : null;
        if (!parent) {
          if (this.view) this.view.message = undefined;
          const nodes = store.listRuns().map((run) => runNode(run, store.listTrials(run.id), active));
          this.offerResume(nodes);
          return nodes;
        }
        const run = store.getRun(parent.runId);
        if (!run) return [];
        const trials = store.listTrials(run.id);
        if (parent.kind === 'run') return modelNodes(run, trials);
        if (parent.kind === 'model') return trialNodes(trials.filter((t) => t.modelId === parent.model && t.harness === parent.harness));
        return [];
      });
    } catch (e) {
      this.ctx.log.warn(`Runs view: ${(e as Error).message}`);
      if (parent) return [];
      // Shown above the tree, not as a popup: the database is often just busy (a `kilobench` command
      // writing it); the file watcher refreshes the view when it is free again.
      if (this.view) this.view.message = `Cannot read the results: ${(e as Error).message}`;
      return [];
    }
  }

  /** Once per session: runs a crash or a kill left with unfinished trials can be resumed from here. */
  private offerResume(nodes: RunsNode[]): void {
    if (this.offeredResume || this.ctx.engine.running) return;
    const interrupted = nodes.filter((n) => n.kind === 'run' && n.contextValue.includes('resumable') && n.state === 'interrupted');
    if (interrupted.length === 0) return;
    this.offeredResume = true;
    const first = interrupted[0] as RunsNode;
    const detail = first.description;
    const more = interrupted.length > 1 ? ` (and ${interrupted.length - 1} more)` : '';
    void vscode.window.showInformationMessage(`KiloBench: run "${first.label}"${more} stopped before it finished (${detail}). Resume it? Finished trials are kept; only the unfinished ones run.`, 'Resume', 'Not Now')
      .then((choice) => choice === 'Resume' && vscode.commands.executeCommand('kilobench.resumeRun', first.runId));
  }

  getParent(): undefined {
    return undefined;
  }
}

export function activateRunsView(ctx: Ctx): { tree: RunsTree; view: vscode.TreeView<RunsNode> } {
  const tree = new RunsTree(ctx);
  const view = vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  tree.view = view;
  const refresh = throttle(() => tree.refresh(), 700);
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(ctx.engine.dbPath.replace(/[^/]+$/, '')), '*.sqlite'));
  ctx.extension.subscriptions.push(
    view,
    refresh,
    watcher,
    ctx.engine.onStoreChanged(refresh),
    watcher.onDidChange(() => !ctx.engine.running && refresh()),
    watcher.onDidDelete(refresh),
    watcher.onDidCreate(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('kilobench.resultsPath') && refresh()),
  );
  return { tree, view };
}
