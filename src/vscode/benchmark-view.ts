/**
 * The Benchmark sidebar (a WebviewView). Until the run engine lands it explains what is coming and
 * points at the CLI; it already uses the strict, nonce-based CSP every KiloBench webview will use.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Ctx } from './context';

function html(webview: vscode.Webview): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonce}">body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); }</style>
</head><body>
<p><strong>KiloBench</strong> compares models inside a real agent harness.</p>
<p>Starting runs from this view arrives with the run engine. Meanwhile the Tasks view lists the bundled tasks, and <code>kilobench tasks</code> validates task folders from a terminal.</p>
</body></html>`;
}

export function activateBenchmarkView(ctx: Ctx): void {
  ctx.extension.subscriptions.push(vscode.window.registerWebviewViewProvider('kilobench.benchmark', {
    resolveWebviewView(view) {
      view.webview.options = { enableScripts: false, localResourceRoots: [] };
      view.webview.html = html(view.webview);
    },
  }));
}
