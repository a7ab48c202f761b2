/**
 * The status bar item: live spend and progress of the active run (`$0.42 · 12/30`); click opens its
 * dashboard. It follows the engine's status, which changes at most once per batch of run events.
 */
import * as vscode from 'vscode';
import { formatUsd } from '../core/format';
import type { Ctx } from './context';
import { isActive, statusBarText, statusBarTooltip } from './run-status';

export function activateStatusBar(ctx: Ctx): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('kilobench.run', vscode.StatusBarAlignment.Left, 50);
  item.name = 'KiloBench run';
  item.command = 'kilobench.openDashboard';
  let running: boolean | undefined;
  ctx.extension.subscriptions.push(item, ctx.engine.onStatus((status) => {
    // The context key drives menus; tell the workbench only when it changes, not on every update.
    if (isActive(status) !== running) {
      running = isActive(status);
      void vscode.commands.executeCommand('setContext', 'kilobench.running', running);
    }
    if (!status) {
      item.hide();
      return;
    }
    item.text = statusBarText(status);
    item.tooltip = statusBarTooltip(status);
    item.accessibilityInformation = { label: `KiloBench run ${status.state}: ${status.done} of ${status.total} trials, spend ${formatUsd(status.spendUsd)}` };
    item.backgroundColor = status.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  }));
  return item;
}
