/**
 * What the dashboard receives: the report itself (the webview lays it out with the shared figures,
 * formatter and chart module, as the CLI and the HTML report do), whether it is live, and the
 * workspaces whose mined tasks it can be limited to. Pure (no VS Code): unit-tested.
 */
import type { Report } from '../core/report';
import { formatCost, formatDuration } from '../core/format';
import type { TrialRecord } from '../core/store';
import type { DashboardView, TrialRow, WorkspaceTasks } from '../protocol';

export function dashboardView(report: Report, live: boolean, workspaces: readonly WorkspaceTasks[] = [], workspace: string | null = null): DashboardView {
  return { runIds: report.run.id.split('+'), live, report, workspaces: [...workspaces], workspace };
}

/** The workspaces (name → mined task ids) that have tasks among these trials, each with only those tasks. */
export function workspacesIn(trials: readonly TrialRecord[], mined: readonly WorkspaceTasks[]): WorkspaceTasks[] {
  const ran = new Set(trials.map((t) => t.taskId));
  return mined.map((w) => ({ name: w.name, tasks: w.tasks.filter((t) => ran.has(t)) })).filter((w) => w.tasks.length > 0);
}

/** The trials behind one heatmap cell. */
export function pairTrials(trials: readonly TrialRecord[], task: string, model: string, harness: string): TrialRow[] {
  return trials
    .filter((t) => t.taskId === task && t.modelId === model && t.harness === harness)
    .sort((a, b) => a.trialIndex - b.trialIndex)
    .map((t) => ({
      trialId: t.id,
      task: t.taskId,
      label: `${t.taskId} #${t.trialIndex + 1}`,
      status: t.status,
      costText: formatCost(t.costUsd),
      durationText: formatDuration(t.durationMs),
    }));
}
