/**
 * The dashboard (a WebviewPanel per run or comparison of runs): leaderboard, cost vs pass-rate
 * scatter with the Pareto front, cost-to-complete bars, fingerprints, the task × model heatmap and
 * complementarity; exports. It follows its run live, and comes back after a reload (serializer).
 */
import * as vscode from 'vscode';
import type { TrialRecord } from '../core/store';
import { basename } from 'node:path';
import type { DashboardView, WorkspaceTasks } from '../protocol';
import type { Ctx } from './context';
import { dashboardView, pairTrials, workspacesIn } from './dashboard-model';
import { loadCore } from './load-core';
import { minedTasksFolder } from './mine-workspace';
import { exportReport } from './exports';
import { newPanel, problemHandler, setupPanel, throttle } from './panel-base';
import { loadReport } from './report-data';

export const DASHBOARD_VIEW_TYPE = 'kilobench.dashboard';

export class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();
  private trials: TrialRecord[] = [];
  /** The workspace whose mined tasks the dashboard is limited to (null: every task). */
  private workspace: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  static show(ctx: Ctx, runIds: string[]): DashboardPanel {
    const key = runIds.join('+');
    const existing = DashboardPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const title = runIds.length === 1 ? `KiloBench: ${runIds[0]}` : `KiloBench: ${runIds.length} runs`;
    return new DashboardPanel(ctx, newPanel(ctx, DASHBOARD_VIEW_TYPE, title), runIds);
  }

  static revive(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): void {
    const runIds = (state as { runIds?: unknown } | undefined)?.runIds;
    if (!Array.isArray(runIds) || !runIds.every((id) => typeof id === 'string') || runIds.length === 0) {
      panel.dispose();
      return;
    }
    new DashboardPanel(ctx, panel, runIds as string[]);
  }

  /** Every open dashboard, for tests. */
  static get panels(): DashboardPanel[] {
    return [...DashboardPanel.open.values()];
  }

  private constructor(private readonly ctx: Ctx, readonly panel: vscode.WebviewPanel, readonly runIds: string[]) {
    DashboardPanel.open.set(runIds.join('+'), this);
    const rpc = setupPanel(ctx, panel, 'dashboard', 'dashboard', {
      'dashboard/data': () => this.view(),
      'dashboard/workspace': ({ workspace }) => {
        this.workspace = workspace;
        return this.view();
      },
      'dashboard/pair': ({ task, model, harness }) => pairTrials(this.trials, task, model, harness),
      'dashboard/export': async ({ format }) => ({ path: await exportReport(ctx, this.runIds, format) }),
      'transcript/open': async ({ trialId }) => {
        await vscode.commands.executeCommand('kilobench.openTranscript', trialId);
        return {};
      },
      'webview/problem': problemHandler(ctx, 'dashboard'),
    });
    const refresh = throttle(() => {
      if (!this.panel.visible) return;
      this.view().then((view) => rpc.emit('dashboard/data', view), (e: Error) => ctx.log.warn(`dashboard refresh: ${e.message}`));
    }, 1500);
    this.disposables.push(
      rpc,
      refresh,
      ctx.engine.onRunEvents((events) => {
        if (events.some((e) => this.runIds.includes(e.runId) && e.type !== 'trial_phase' && e.type !== 'tool_call')) refresh();
      }),
      ctx.engine.onStatus((status) => {
        if (status && this.runIds.includes(status.runId) && status.state !== 'running') refresh();
      }),
      panel.onDidChangeViewState(() => panel.visible && refresh()),
    );
    panel.onDidDispose(() => {
      DashboardPanel.open.delete(this.runIds.join('+'));
      this.disposables.forEach((d) => d.dispose());
    });
  }

  /** This workspace's mined tasks (from the extension's storage), as a filter the dashboard offers. */
  private async minedTasks(): Promise<WorkspaceTasks[]> {
    const root = this.ctx.config.workspaceRoot;
    if (!root) return [];
    try {
      const mined = await loadCore().readMineReport(minedTasksFolder(this.ctx));
      return mined && mined.kept.length ? [{ name: basename(root), tasks: mined.kept.map((t) => t.id) }] : [];
    } catch (e) {
      // The filter is an extra: without the mined tasks' list the dashboard shows every task.
      this.ctx.log.warn(`dashboard: could not read this workspace's mined tasks: ${(e as Error).message}`);
      return [];
    }
  }

  private async view(): Promise<DashboardView> {
    const mined = await this.minedTasks();
    return this.ctx.engine.read((ready) => {
      const all = loadReport(ready, this.runIds);
      const workspaces = workspacesIn(all.trials, mined);
      const chosen = workspaces.find((w) => w.name === this.workspace) ?? null;
      const data = chosen ? loadReport(ready, this.runIds, chosen.tasks) : all;
      this.trials = all.trials;
      const status = this.ctx.engine.status;
      const live = this.ctx.engine.running && status !== null && this.runIds.includes(status.runId);
      return dashboardView(data.report, live, workspaces, chosen?.name ?? null);
    });
  }
}

export function activateDashboard(ctx: Ctx): void {
  ctx.extension.subscriptions.push(vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state) {
      DashboardPanel.revive(ctx, panel, state);
    },
  }));
}
