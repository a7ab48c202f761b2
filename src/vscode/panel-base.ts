/**
 * What the dashboard and transcript panels share: creating or reviving a panel with the one HTML
 * builder, an RPC host for its messages, and refreshes throttled while its run is going.
 */
import * as vscode from 'vscode';
import type { Method } from '../protocol';
import type { Ctx } from './context';
import { RpcHost, type Handlers } from './rpc-host';
import { errorHtml, webviewHtml, webviewOptions, type WebviewEntry } from './webview-html';

export function newPanel(ctx: Ctx, viewType: string, title: string, column = vscode.ViewColumn.Active): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, { viewColumn: column, preserveFocus: false }, {
    ...webviewOptions(ctx.extension.extensionUri),
    enableFindWidget: true,
  });
}

export function setupPanel<M extends Method>(ctx: Ctx, panel: vscode.WebviewPanel, entry: WebviewEntry, name: string, handlers: Handlers<M>): RpcHost<M> {
  panel.webview.options = webviewOptions(ctx.extension.extensionUri);
  panel.iconPath = ctx.uri('media', 'kilobench.svg');
  const rpc = new RpcHost(panel.webview, handlers, ctx.log, name);
  try {
    panel.webview.html = webviewHtml(panel.webview, ctx.extension.extensionUri, entry, panel.title);
  } catch (e) {
    ctx.log.error(`${name}: ${(e as Error).stack ?? e}`);
    panel.webview.html = errorHtml(panel.webview, `KiloBench could not show the ${name}`, (e as Error).message);
  }
  return rpc;
}

/** Calls `fn` at most once per `ms`, and once more after the last call. */
export function throttle(fn: () => void, ms: number): { (): void; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const call = () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  };
  call.dispose = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}

export function problemHandler(ctx: Ctx, name: string) {
  return ({ kind, message }: { kind: 'error' | 'csp'; message: string }) => {
    ctx.log.error(`${name} ${kind === 'csp' ? 'CSP violation' : 'error'}: ${message}`);
    return {};
  };
}
