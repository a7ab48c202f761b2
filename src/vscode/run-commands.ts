/**
 * The commands about runs: start (from the command palette or, with options, from other
 * extensions and tests), cancel, resume, delete, export, open dashboards and transcripts, compare,
 * and "Set API Key".
 */
import * as vscode from 'vscode';
import type { RunSummary } from '../core/run';
import { EXPORT_FORMATS, type ExportFormat, type StartRunParams } from '../protocol';
import type { Ctx } from './context';
import { DashboardPanel } from './dashboard-panel';
import { EngineError } from './errors';
import { exportReport, pickExportFormat } from './exports';
import { requireTrust, type RunController } from './run-controller';
import type { RunsNode } from './runs-model';
import type { RunRecord } from '../core/store';
import { formatShortDate } from '../core/format';
import { benchmarkOptions } from './benchmark-view';
import { forecastText } from './forecast-view';
import type { RunsTree } from './runs-view';
import { isKeyName } from './secrets';
import { TranscriptPanel } from './transcript-panel';

/** `kilobench.startRun` options: task ids (or folders), model ids; the rest defaults to the settings. */
export interface StartRunOptions {
  tasks: string[];
  models?: string[];
  harness?: string;
  trialsPerPair?: number;
  concurrency?: number;
  budgetUsd?: number | null;
  trialBudgetUsd?: number | null;
  /** Resolve when the run has ended (default true) rather than when it has started. */
  wait?: boolean;
}

function runIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'runId' in arg && typeof (arg as RunsNode).runId === 'string') return (arg as RunsNode).runId;
  return undefined;
}

/**
 * A run picked from a list (newest first), of the runs `which` allows; says so when there are none.
 * TODO(figures): the one formatter's date once it lands.
 */
async function pickRun(ctx: Ctx, title: string, which: (run: RunRecord, unfinished: number) => boolean = () => true, none = 'no runs yet. Start one from the Benchmark view.'): Promise<string | undefined> {
  const active = ctx.engine.running ? ctx.engine.status?.runId : undefined;
  const runs = await ctx.engine.read(({ store }) => store.listRuns()
    .map((run) => ({ run, unfinished: run.id === active ? 0 : store.unfinishedTrials(run.id).length }))
    .filter(({ run, unfinished }) => which(run, unfinished)));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`KiloBench: ${none}`);
    return undefined;
  }
  const items = [...runs].reverse().map(({ run, unfinished }) => ({
    label: run.name || run.id,
    description: `${formatShortDate(run.createdAt)} · ${run.id === active ? 'running' : run.status}${unfinished ? ` · ${unfinished} unfinished` : ''}`,
    detail: run.id,
    id: run.id,
  }));
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDetail: true });
  return picked?.id;
}

export function runCommands(ctx: Ctx, runs: RunController, tree: RunsTree) {
  /**
   * "Start Benchmark Run…" from the palette: the form flow in quick picks (tasks, models, harness),
   * with the Benchmark view's defaults for the rest; the forecast is shown before the run starts.
   */
  const startFromPalette = async (): Promise<{ runId: string } | undefined> => {
    const { harnesses, tasks, models, defaults } = await benchmarkOptions(ctx);
    const taskItems = tasks.filter((t) => !t.problem).map((t) => ({ label: t.id, description: `${t.sourceLabel} · ${t.difficulty}`, detail: t.category || undefined, key: t.key }));
    if (taskItems.length === 0) {
      void vscode.window.showInformationMessage('KiloBench: no valid tasks to run. Add a task folder in the Benchmark view.');
      return undefined;
    }
    const pickedTasks = await vscode.window.showQuickPick(taskItems, { title: 'Start Benchmark Run (1/3): tasks', canPickMany: true, matchOnDescription: true });
    if (!pickedTasks?.length) return undefined;
    const harnessItems: (vscode.QuickPickItem & { name?: string })[] = [
      { label: 'Agent harnesses', kind: vscode.QuickPickItemKind.Separator },
      ...harnesses.filter((x) => x.group === 'agent').map((x) => ({ label: x.name, description: x.description, name: x.name, picked: x.name === defaults.harness })),
      { label: 'Test harnesses (check the tasks, no model)', kind: vscode.QuickPickItemKind.Separator },
      ...harnesses.filter((x) => x.group === 'test').map((x) => ({ label: x.name, description: x.description, name: x.name })),
    ];
    const harness = await vscode.window.showQuickPick(harnessItems, { title: 'Start Benchmark Run (2/3): harness', placeHolder: `default: ${defaults.harness}` });
    if (!harness?.name) return undefined;
    let modelIds: string[] = [];
    if (harnesses.find((x) => x.name === harness.name)?.needsModel) {
      const pickedModels = await vscode.window.showQuickPick(models.map((m) => ({ label: m.id, description: m.simulated ? 'simulated provider (test and demo)' : `${m.provider}${m.keyName && !m.hasKey ? ' · no API key stored' : ''}`, id: m.id })),
        { title: 'Start Benchmark Run (3/3): models', canPickMany: true });
      if (!pickedModels?.length) return undefined;
      modelIds = pickedModels.map((m) => m.id);
    }
    const params: StartRunParams = {
      taskKeys: pickedTasks.map((t) => t.key), modelIds, harness: harness.name,
      trialsPerPair: defaults.trialsPerPair, concurrency: defaults.concurrency, budgetUsd: defaults.budgetUsd, trialBudgetUsd: defaults.trialBudgetUsd,
    };
    const forecast = await runs.forecast(params).catch(() => null);
    const trials = pickedTasks.length * Math.max(1, modelIds.length) * params.trialsPerPair;
    const detail = forecast ? `Forecast: ${forecastText(forecast).cost} · ${forecastText(forecast).duration} (from ${forecast.basis}).` : 'No forecast available.';
    const go = await vscode.window.showInformationMessage(`Start ${trials} trial${trials === 1 ? '' : 's'} with ${harness.name}?`, { modal: true, detail: `${detail}\nTrials per pair ${params.trialsPerPair}, concurrency ${params.concurrency} (change them in the Benchmark view or the kilobench settings).` }, 'Start');
    if (go !== 'Start') return undefined;
    const started = await runs.start(params);
    if (!started) return undefined;
    started.done.catch(() => undefined);
    await vscode.commands.executeCommand('kilobench.benchmark.focus');
    return { runId: started.runId };
  };

  const openDashboard = async (arg?: unknown): Promise<string | undefined> => {
    const runId = runIdOf(arg) ?? ctx.engine.status?.runId ?? (await pickRun(ctx, 'Open the dashboard of…'));
    if (!runId) return undefined;
    DashboardPanel.show(ctx, [runId]);
    return runId;
  };

  return {
    startRun: async (options?: StartRunOptions): Promise<{ runId: string; summary?: RunSummary } | undefined> => {
      if (!options) return startFromPalette();
      const all = await ctx.tasks.all();
      const taskKeys = options.tasks.map((t) => {
        const found = all.find((e) => e.task.path === t) ?? all.find((e) => e.task.id === t);
        if (!found) throw new EngineError(`unknown task ${t}`);
        return found.task.path;
      });
      const params: StartRunParams = {
        taskKeys,
        modelIds: options.models ?? [],
        harness: options.harness ?? ctx.config.harness,
        trialsPerPair: options.trialsPerPair ?? ctx.config.trialsPerPair,
        concurrency: options.concurrency ?? ctx.config.concurrency,
        budgetUsd: options.budgetUsd === undefined ? ctx.config.budgetUsd : options.budgetUsd,
        trialBudgetUsd: options.trialBudgetUsd === undefined ? ctx.config.trialBudgetUsd : options.trialBudgetUsd,
      };
      const started = await runs.start(params);
      if (!started) return undefined;
      if (options.wait === false) {
        started.done.catch(() => undefined);
        return { runId: started.runId };
      }
      return { runId: started.runId, summary: await started.done };
    },
    cancelRun: async () => {
      if (!(await ctx.engine.cancel())) void vscode.window.showInformationMessage('KiloBench: no run is going.');
    },
    resumeRun: async (arg?: unknown) => {
      requireTrust();
      const runId = runIdOf(arg) ?? (await pickRun(ctx, 'Resume which run? (runs with unfinished trials)', (_run, unfinished) => unfinished > 0, 'no run has unfinished trials to resume.'));
      if (!runId) return undefined;
      const unfinished = await ctx.engine.read(({ store }) => store.unfinishedTrials(runId).length);
      if (unfinished === 0) {
        void vscode.window.showInformationMessage(`KiloBench: run ${runId} has no unfinished trials: there is nothing to resume.`);
        return undefined;
      }
      const started = await runs.resume(runId);
      return { runId, summary: await started.done };
    },
    deleteRun: async (arg?: unknown, selection?: RunsNode[]) => {
      let ids = [...new Set((selection?.length ? selection : [arg]).map(runIdOf).filter((id): id is string => Boolean(id)))];
      if (ids.length === 0) {
        // From the command palette: ask which run (the active one cannot be deleted).
        const active = ctx.engine.running ? ctx.engine.status?.runId : undefined;
        const picked = await pickRun(ctx, 'Delete which run?', (run) => run.id !== active, 'no run to delete.');
        if (!picked) return false;
        ids = [picked];
      }
      if (ctx.engine.running && ids.includes(ctx.engine.status?.runId ?? '')) throw new EngineError('that run is still going; cancel it first');
      const answer = await vscode.window.showWarningMessage(
        ids.length === 1 ? `Delete run ${ids[0]} with its trials, calls and transcripts?` : `Delete ${ids.length} runs with their trials, calls and transcripts?`,
        { modal: true }, 'Delete');
      if (answer !== 'Delete') return false;
      await ctx.engine.read(async ({ store }) => {
        for (const id of ids) await store.deleteRun(id);
      });
      ctx.log.info(`deleted ${ids.length === 1 ? 'run' : 'runs'} ${ids.join(', ')}`);
      ctx.engine.notifyStoreChanged();
      return true;
    },
    /** From the tree: asks for the format and the file. Automation: (runId, format, path). */
    exportRun: async (arg?: unknown, format?: unknown, target?: unknown) => {
      const runId = runIdOf(arg) ?? (await pickRun(ctx, 'Export which run?'));
      if (!runId) return null;
      const chosen = typeof format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(format) ? (format as ExportFormat) : await pickExportFormat();
      return chosen ? exportReport(ctx, [runId], chosen, typeof target === 'string' ? target : undefined) : null;
    },
    openDashboard,
    compareRuns: async (arg?: unknown, selection?: RunsNode[]) => {
      let ids = [...new Set((selection ?? []).map(runIdOf).filter((id): id is string => Boolean(id)))];
      if (ids.length < 2) {
        const all = await ctx.engine.read(({ store }) => store.listRuns());
        const picked = await vscode.window.showQuickPick(all.map((r) => ({ label: r.name || r.id, description: r.id, id: r.id, picked: ids.includes(r.id) || r.id === runIdOf(arg) })), { title: 'Compare runs: pick two or more', canPickMany: true });
        ids = picked?.map((p) => p.id) ?? [];
      }
      if (ids.length === 0) return;
      DashboardPanel.show(ctx, ids);
    },
    openTranscript: async (arg?: unknown) => {
      const trialId = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'trialId' in arg ? String((arg as { trialId: unknown }).trialId) : undefined;
      if (!trialId) throw new EngineError('pick a trial in the Runs view (or a heatmap cell of a dashboard)');
      TranscriptPanel.show(ctx, trialId);
    },
    refreshRuns: () => tree.refresh(),
    setApiKey: async (keyName?: unknown) => {
      let name = typeof keyName === 'string' && isKeyName(keyName) ? keyName : undefined;
      if (!name) {
        const { models } = ctx.models.list();
        const names = [...new Set(['openai-compatible', 'anthropic', 'openrouter', ...models.flatMap((m) => (m.keyName ? [m.keyName] : []))])];
        const items = await Promise.all(names.map(async (n) => ({
          label: n,
          description: (await ctx.keys.has(n)) ? 'stored' : 'not set',
          detail: models.filter((m) => m.keyName === n).map((m) => m.spec.id).join(', ') || undefined,
        })));
        const picked = await vscode.window.showQuickPick(items, { title: 'KiloBench: set the API key for…', placeHolder: 'a provider kind, or a model\'s keyName from kilobench.models' });
        name = picked?.label;
      }
      if (!name) return false;
      const value = await vscode.window.showInputBox({
        title: `KiloBench: API key for ${name}`,
        prompt: 'Kept in VS Code\'s SecretStorage only; handed to the metering proxy at run time, never to agents, settings or logs. Leave empty to delete it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return false;
      if (value.trim()) await ctx.keys.set(name, value.trim());
      else await ctx.keys.delete(name);
      ctx.log.info(`API key for ${name} ${value.trim() ? 'stored' : 'deleted'} (SecretStorage)`);
      return true;
    },
  };
}
