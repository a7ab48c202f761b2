/**
 * Starting, resuming and cancelling runs from the editor: the user's choices become a plan through
 * the core's plan builder (the CLI's too), keys come from SecretStorage into an environment map,
 * Workspace Trust is checked first, and the run shows as a cancellable progress notification.
 */
import * as vscode from 'vscode';
import type { RunPlan, NetworkSetting, RunSummary } from '../core/run';
import type { ForecastView, StartRunParams } from '../protocol';
import { budgetQuestion, forecastView } from './forecast-view';
import type { Ctx } from './context';
import type { CatalogModel } from './model-catalog';
import { EngineError } from './errors';
import { loadCore } from './load-core';
import { formatMoney } from './run-status';

export const UNTRUSTED_MESSAGE = 'Runs are disabled in an untrusted workspace: a run builds Docker images from the task folders and runs agents and their commands. Trust this workspace to run benchmarks; browsing tasks and past results works without it.';

export function requireTrust(trusted: boolean = vscode.workspace.isTrusted): void {
  if (!trusted) throw new EngineError(UNTRUSTED_MESSAGE, { label: 'Manage Workspace Trust', command: 'workbench.trust.manage' });
}

export interface StartedRun {
  runId: string;
  done: Promise<RunSummary>;
}

export class RunController {
  constructor(private readonly ctx: Ctx) {}

  /** The plan and the keys for the user's choices; errors say what to change. */
  async plan(params: StartRunParams, needKeys = true): Promise<{ plan: RunPlan; env: NodeJS.ProcessEnv }> {
    const core = loadCore();
    const tasks = [];
    for (const key of params.taskKeys) {
      const entry = await this.ctx.tasks.byKey(key);
      if (!entry) throw new EngineError(`task folder ${key} is no longer in the task list; refresh the Tasks view`);
      tasks.push(entry.task);
    }
    const harness = core.isKnownHarness(params.harness) ? core.getHarness(params.harness) : undefined;
    if (!harness) throw new EngineError(`the ${params.harness} harness is not available in this version (available: ${core.harnessNames().join(', ')})`);
    const { models: catalog } = this.ctx.models.list();
    const chosen = harness.needsModel ? params.modelIds.map((id) => {
      const found = catalog.find((m) => m.spec.id === id);
      if (!found) throw new EngineError(`model ${id} is not configured (see the kilobench.models setting)`, { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['kilobench.models'] });
      return found;
    }) : [];
    const runEnv: NodeJS.ProcessEnv = needKeys ? await this.runEnv(chosen) : { ...process.env };
    // The core's plan errors are input errors: they reach the user as a warning by their kind (errors.ts).
    const plan = core.buildPlan({
      tasks, models: chosen.map((m) => m.spec), harness: harness.name,
      settings: {
        trialsPerPair: params.trialsPerPair,
        concurrency: params.concurrency,
        agentTimeoutMultiplier: this.ctx.config.agentTimeoutMultiplier,
        testTimeoutMultiplier: this.ctx.config.testTimeoutMultiplier,
        budgetUsd: params.budgetUsd ?? undefined,
        trialBudgetUsd: params.trialBudgetUsd ?? undefined,
        network: this.ctx.config.network as NetworkSetting,
      },
    });
    return { plan, env: runEnv };
  }

  /** What the form's plan will likely cost and take (keys need not be set yet). */
  async forecast(params: StartRunParams): Promise<ForecastView> {
    const { plan } = await this.plan(params, false);
    return this.ctx.engine.read(({ core, store }) => forecastView(core.forecastFromStore(store, plan)));
  }

  /**
   * Starts a run and returns at once; `done` settles when it ends. A run whose forecast spend is
   * above its budget asks first (it would likely stop there with trials not run); null when the user
   * said no.
   */
  async start(params: StartRunParams): Promise<StartedRun | null> {
    requireTrust();
    this.ctx.engine.requireIdle(); // before planning and asking about the budget
    const { plan, env } = await this.plan(params);
    if (plan.settings.budgetUsd !== undefined) {
      const forecast = await this.ctx.engine.read(({ core, store }) => forecastView(core.forecastFromStore(store, plan))).catch(() => null);
      const question = forecast ? budgetQuestion(forecast) : null;
      if (question) {
        const answer = await vscode.window.showWarningMessage(question, { modal: true }, 'Start Anyway');
        if (answer !== 'Start Anyway') return null;
      }
    }
    return { runId: plan.runId, done: this.launch(plan, env, false) };
  }

  /** Runs the trials of a stored run that have no final status. */
  async resume(runId: string): Promise<StartedRun> {
    requireTrust();
    const { core, store } = await this.ctx.engine.ready();
    const record = store.getRun(runId);
    if (!record) throw new EngineError(`there is no run ${runId} in ${store.path}`);
    if (store.unfinishedTrials(runId).length === 0) throw new EngineError(`run ${runId} has no unfinished trials`);
    const plan = await core.planFromRecord(record);
    const { models } = this.ctx.models.list();
    const configured = plan.models.flatMap((spec) => models.filter((m) => m.spec.id === spec.id));
    return { runId, done: this.launch(plan, await this.runEnv(configured), true) };
  }

  /**
   * The run's environment: this process's, plus the keys stored in SecretStorage for the models'
   * key names (a missing one is an error offering "Set API Key"), then the core's one missing-key
   * rule for keys the models file names (`keyEnv`), the CLI's rule too.
   */
  private async runEnv(models: readonly CatalogModel[]): Promise<NodeJS.ProcessEnv> {
    const { env, missing } = await this.ctx.keys.env(models.flatMap((m) => (m.keyName ? [m.keyName] : [])));
    if (missing.length) {
      throw new EngineError(`no API key stored for ${missing.join(', ')} (needed by ${models.filter((m) => m.keyName && missing.includes(m.keyName)).map((m) => m.spec.id).join(', ')})`,
        { label: 'Set API Key', command: 'kilobench.setApiKey', args: [missing[0]] });
    }
    const runEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    loadCore().requireModelKeys(models.map((m) => m.spec), runEnv);
    return runEnv;
  }

  private launch(plan: RunPlan, env: NodeJS.ProcessEnv, resume: boolean): Promise<RunSummary> {
    const done = vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `KiloBench: ${resume ? 'resuming' : 'running'} ${plan.name}`,
      cancellable: true,
    }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        progress.report({ message: 'cancelling: removing containers…' });
        void this.ctx.engine.cancel();
        abort.abort();
      });
      let lastDone = 0;
      const listener = this.ctx.engine.onStatus((status) => {
        if (!status || status.runId !== plan.runId) return;
        const increment = status.total > 0 ? ((status.done - lastDone) / status.total) * 100 : 0;
        lastDone = status.done;
        progress.report({
          increment,
          message: status.message ?? `${status.done}/${status.total} trials · ${status.passed} passed · ${formatMoney(status.spendUsd)}${status.unpricedCalls ? '+' : ''}`,
        });
      });
      try {
        return await this.ctx.engine.run(plan, { env, resume, signal: abort.signal });
      } finally {
        listener.dispose();
      }
    });
    return Promise.resolve(done).then((summary) => {
      const p = summary.progress;
      const text = `KiloBench run ${summary.status}: ${p.passed}/${p.done} passed · ${formatMoney(p.spendUsd)}`;
      void vscode.window.showInformationMessage(text, 'Open Dashboard').then((choice) => {
        if (choice) void vscode.commands.executeCommand('kilobench.openDashboard', summary.runId);
      });
      return summary;
    }, (e: unknown) => {
      this.ctx.fail(`the run ${plan.runId} failed`, e);
      throw e;
    });
  }
}
