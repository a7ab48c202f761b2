/**
 * VS Code entry point. Kept to one page: build the shared context, then let each feature register
 * itself. All real work happens in src/core; this layer only shows it.
 */
import * as vscode from 'vscode';
import { createContext } from './vscode/context';
import { activateTasksView } from './vscode/tasks-view';
import { activateBenchmarkView } from './vscode/benchmark-view';

export function activate(extension: vscode.ExtensionContext): void {
  const ctx = createContext(extension);
  try {
    activateTasksView(ctx);
    activateBenchmarkView(ctx);
  } catch (e) {
    ctx.log.error(`activation failed: ${(e as Error).stack ?? e}`);
    void vscode.window.showErrorMessage(`KiloBench failed to start: ${(e as Error).message}. See "KiloBench: Show Log".`);
  }
}

export function deactivate(): void {
  // Disposables registered on the extension context are released by VS Code.
}
