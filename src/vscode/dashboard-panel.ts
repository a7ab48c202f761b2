/**
 * The dashboard (a WebviewPanel per run or comparison of runs): leaderboard, cost vs pass-rate
 * scatter with the Pareto front, cost-to-complete bars, fingerprints, the task × model heatmap and
 * complementarity; exports. It follows its run live, and comes back after a reload (serializer).
 */
import * as vscode from 'vscode';
import type { TrialRecord } from '../core/store';
import type { DashboardView } from '../protocol';
import type { Ctx } from './context';
import { dashboardView, pairTrials } from './dashboard-model';
import { exportReport } from './exports';
import { newPanel, problemHandler, setupPanel, throttle } from './panel-base';
import { loadReport } from './report-data';

export const DASHBOARD_VIEW_TYPE = 'kilobench.dashboard';

export class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();
  private trials: TrialRecord[] = [];
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

  private async view(): Promise<DashboardView> {
    return this.ctx.engine.read((ready) => {
      const data = loadReport(ready, this.runIds);
      this.trials = data.trials;
      const status = this.ctx.engine.status;
      const live = this.ctx.engine.running && status !== null && this.runIds.includes(status.runId);
      return dashboardView(data.report, live);
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
