/**
 * VS Code entry point, kept to one page: build the shared context, activate each feature, register
 * every command from one table under the `kilobench.` prefix. Activation only wires things up; the
 * engine (dist/core.js) loads when a view or command first needs it.
 */
import * as vscode from 'vscode';
import { createContext } from './vscode/context';
import { activateBenchmarkView } from './vscode/benchmark-view';
import { activateDashboard } from './vscode/dashboard-panel';
import { RunController } from './vscode/run-controller';
import { runCommands } from './vscode/run-commands';
import { activateRunsView } from './vscode/runs-view';
import { activateStatusBar } from './vscode/status-bar';
import { activateTasksView } from './vscode/tasks-view';
import { activateTranscript } from './vscode/transcript-panel';

/** What `vscode.extensions.getExtension('kilobench.kilobench').exports` gives (tests, other extensions). */
export interface KiloBenchApi {
  /** The Runs and Tasks trees' nodes, as the views show them. */
  runsTree: { getChildren(parent?: unknown): Promise<unknown[]> };
  tasksTree: { getChildren(parent?: unknown): Promise<unknown[]> };
  /** When activate() started and how long it took (ms). */
  activation: { ms: number };
}

export function activate(extension: vscode.ExtensionContext): KiloBenchApi | undefined {
  const started = performance.now();
  const ctx = createContext(extension);
  try {
    const runs = new RunController(ctx);
    const runsView = activateRunsView(ctx);
    const tasksView = activateTasksView(ctx);
    activateBenchmarkView(ctx, runs);
    activateDashboard(ctx);
    activateTranscript(ctx);
    activateStatusBar(ctx);
    const commands: Record<string, (...args: never[]) => unknown> = {
      showLog: () => ctx.log.show(),
      ...runCommands(ctx, runs, runsView.tree),
      ...tasksView.commands,
    };
    for (const [name, handler] of Object.entries(commands)) {
      extension.subscriptions.push(vscode.commands.registerCommand(`kilobench.${name}`, async (...args: unknown[]) => {
        try {
          return await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          ctx.fail(`${name} failed`, e);
          return undefined;
        }
      }));
    }
    const ms = performance.now() - started;
    ctx.log.info(`activated in ${ms.toFixed(1)} ms`);
    return { runsTree: runsView.tree, tasksTree: tasksView.tree, activation: { ms } };
  } catch (e) {
    ctx.log.error(`activation failed: ${(e as Error).stack ?? e}`);
    void vscode.window.showErrorMessage(`KiloBench failed to start: ${(e as Error).message}. See "KiloBench: Show Log".`);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is registered on the extension context; VS Code disposes it (the engine cancels a running run).
}
