/**
 * The one HTML builder of every KiloBench webview: deny by default, the webview's own source plus a
 * fresh crypto nonce, assets only through `asWebviewUri` from `media/` and the built `dist/webview/`,
 * and an error page instead of a blank panel when something goes wrong.
 */
import * as vscode from 'vscode';
import { contentSecurityPolicy, nonce } from './csp';

export type WebviewEntry = 'benchmark' | 'dashboard' | 'transcript';

/** Where a webview may load from: nothing else. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: localResourceRoots(extensionUri) };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: WebviewEntry, title: string): string {
  const n = nonce();
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" nonce="${n}" href="${asset('media', 'webview.css')}">
</head>
<body data-view="${entry}">
<main id="root" aria-busy="true"><p class="muted">Loading…</p></main>
<script type="module" nonce="${n}" src="${asset('dist', 'webview', `${entry}.js`)}"></script>
</body>
</html>`;
}

/** Shown instead of a blank panel when a view cannot be rendered. */
export function errorHtml(webview: vscode.Webview, title: string, message: string): string {
  const n = nonce();
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<style nonce="${n}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:1em}
.error{border-left:3px solid var(--vscode-errorForeground);padding:.5em 1em;background:var(--vscode-inputValidation-errorBackground)}</style>
</head><body><h2>${escape(title)}</h2><p class="error">${escape(message)}</p>
<p>See the KiloBench log (command “KiloBench: Show Log”) for details.</p></body></html>`;
}
