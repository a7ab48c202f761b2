/**
 * The Benchmark sidebar (a WebviewView): pick tasks, models, harness, trials, concurrency and
 * budgets, start a run, and follow it (trials done / passed / failed, spend and spend rate, Cancel).
 * The form's state lives in the webview (getState/setState), so hiding the view loses nothing.
 */
import * as vscode from 'vscode';
import type { BenchmarkOptions } from '../protocol';
import type { Ctx } from './context';
import { loadCore } from './load-core';
import type { RunController } from './run-controller';
import { RpcHost } from './rpc-host';
import { errorHtml, webviewHtml, webviewOptions } from './webview-html';

/**
 * One name for this view in code: "benchmark" (this file, `webview/benchmark.ts`, the `benchmark`
 * webview entry and `benchmark/options` message), matching its contributed id. The id itself stays
 * `kilobench.benchmark`: VS Code keeps where a user moved or hid a view by its id.
 */
export const BENCHMARK_VIEW = 'kilobench.benchmark';

/** The Kilo releases npm offers, asked once per session (an offline machine lists the installed ones only). */
let published: Promise<string[]> | undefined;

/**
 * `kilo` (the default release), then `kilo@<version>` for each release in the cache and each other
 * one npm offers (fetched when a run first uses it, with progress in the run status).
 */
async function kiloVersionNames(): Promise<string[]> {
  const core = loadCore();
  published ??= core.publishedKiloVersions().catch(() => []);
  const timeout = new Promise<string[]>((resolve) => setTimeout(() => resolve([]), 3000));
  const [installed, offered] = await Promise.all([core.installedKiloVersions(), Promise.race([published, timeout])]);
  const versions = [...installed, ...offered.filter((v) => !installed.includes(v))];
  return versions.map((v) => `kilo@${v}`).filter((name) => core.isKnownHarness(name));
}

/** Harnesses that check tasks rather than models (validation). */
const TEST_HARNESSES = new Set(['oracle', 'nop']);

export function harnessDescription(name: string): string {
  if (name === 'builtin') return "KiloBench's own small agent loop: fast, the same for every model";
  if (name === 'kilo') return 'the Kilo CLI, its default release';
  if (name.startsWith('kilo@')) return `the Kilo CLI ${name.slice(5)}`;
  if (name === 'oracle') return "runs the task's reference solution (no model): the tests must pass";
  if (name === 'nop') return 'does nothing (no model): the tests must fail';
  if (name.startsWith('command:')) return `a command-line agent (${name.slice(8)} preset)`;
  return 'an agent harness';
}

/** Task keys the form should select when it next gets its options (set after mining). */
let pendingSelection: string[] | null = null;

export function preselectTasks(keys: readonly string[]): void {
  pendingSelection = [...keys];
}

export async function benchmarkOptions(ctx: Ctx): Promise<BenchmarkOptions> {
  const core = loadCore();
  const names = core.harnessNames();
  const kilo = names.indexOf('kilo');
  if (kilo >= 0) names.splice(kilo + 1, 0, ...(await kiloVersionNames().catch(() => [])));
  const all = names.map((name) => ({ name, needsModel: core.getHarness(name).needsModel, description: harnessDescription(name), group: TEST_HARNESSES.has(name) ? 'test' as const : 'agent' as const }));
  // Agents first: the test-only harnesses check the tasks themselves and are listed apart, last.
  const harnesses = [...all.filter((h) => h.group === 'agent'), ...all.filter((h) => h.group === 'test')];
  const configured = ctx.config.harness;
  const harness = harnesses.some((h) => h.name === configured) ? configured : harnesses.find((h) => h.name === 'builtin')?.name ?? harnesses[0]?.name ?? '';
  const problems: string[] = [];
  const tasks = await ctx.tasks.options().catch((e: Error) => {
    problems.push(`tasks: ${e.message}`);
    return [];
  });
  const models = await ctx.models.options((name) => ctx.keys.has(name)).catch((e: Error) => ({ options: [], problems: [e.message] }));
  problems.push(...models.problems);
  // Given once, and only when the tasks to select are loaded.
  const preselect = pendingSelection && pendingSelection.every((key) => tasks.some((t) => t.key === key)) ? pendingSelection : null;
  if (preselect) pendingSelection = null;
  return {
    tasks,
    preselect,
    models: models.options,
    harnesses,
    defaults: {
      harness,
      trialsPerPair: ctx.config.trialsPerPair,
      concurrency: ctx.config.concurrency,
      budgetUsd: ctx.config.budgetUsd,
      trialBudgetUsd: ctx.config.trialBudgetUsd,
    },
    trusted: vscode.workspace.isTrusted,
    problem: problems.length ? problems.join('\n') : null,
  };
}

export function activateBenchmarkView(ctx: Ctx, runs: RunController): void {
  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view) {
      try {
        view.webview.options = webviewOptions(ctx.extension.extensionUri);
        const rpc = new RpcHost(view.webview, {
          'benchmark/options': () => benchmarkOptions(ctx),
          'run/status': () => ctx.engine.status,
          'run/start': async (params) => {
            const started = await runs.start(params).catch((e: unknown) => {
              ctx.fail('the run could not start', e);
              throw e;
            });
            if (!started) return { runId: '' };
            started.done.catch(() => undefined);
            return { runId: started.runId };
          },
          'run/forecast': (params) => runs.forecast(params),
          'run/cancel': async () => ({ cancelled: await ctx.engine.cancel() }),
          'tasks/addFolder': async () => {
            const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Add Task Folder', title: 'A task folder, a folder of tasks, or a Terminal-Bench checkout' });
            const folder = picked?.[0]?.fsPath;
            if (!folder) return { added: null };
            const added = await ctx.config.addTaskFolder(folder);
            ctx.tasks.refresh();
            return { added };
          },
          'workspace/trust': async () => {
            await vscode.commands.executeCommand('workbench.trust.manage');
            return {};
          },
          'keys/set': async ({ keyName }) => {
            await vscode.commands.executeCommand('kilobench.setApiKey', keyName ?? undefined);
            return {};
          },
          'dashboard/open': async ({ runId }) => {
            await vscode.commands.executeCommand('kilobench.openDashboard', runId ?? undefined);
            return {};
          },
          'webview/problem': ({ kind, message }) => {
            ctx.log.error(`Benchmark view ${kind === 'csp' ? 'CSP violation' : 'error'}: ${message}`);
            return {};
          },
        }, ctx.log, 'Benchmark view');
        const pushOptions = () => void benchmarkOptions(ctx).then((o) => rpc.emit('benchmark/options', o), (e: Error) => ctx.log.error(`benchmark options: ${e.message}`));
        const subscriptions = [
          rpc,
          ctx.engine.onStatus((status) => void rpc.emit('run/status', status)),
          ctx.tasks.onDidChange(pushOptions),
          ctx.models.onDidChange(pushOptions),
          vscode.workspace.onDidGrantWorkspaceTrust(pushOptions),
          vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('kilobench') && pushOptions()),
        ];
        view.onDidDispose(() => {
          subscriptions.forEach((s) => s.dispose());
        });
        view.webview.html = webviewHtml(view.webview, ctx.extension.extensionUri, 'benchmark', 'KiloBench');
      } catch (e) {
        ctx.log.error(`Benchmark view: ${(e as Error).stack ?? e}`);
        view.webview.html = errorHtml(view.webview, 'KiloBench could not show this view', (e as Error).message);
      }
    },
  };
  ctx.extension.subscriptions.push(vscode.window.registerWebviewViewProvider(BENCHMARK_VIEW, provider));
}
