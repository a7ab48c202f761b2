// A stand-in for the `vscode` module with just enough behaviour for an extension's activate():
// registrations return disposables, events can be subscribed to, settings return their defaults.
'use strict';
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script, run without a compiler so the timing is Node's alone */
const path = require('node:path');
const os = require('node:os');

const disposable = () => ({ dispose() {} });
const noop = () => disposable();
class EventEmitter {
  constructor() { this.listeners = new Set(); this.event = (fn) => { this.listeners.add(fn); return { dispose: () => this.listeners.delete(fn) }; }; }
  fire(value) { for (const fn of this.listeners) fn(value); }
  dispose() { this.listeners.clear(); }
}
class Uri {
  constructor(fsPath) { this.fsPath = fsPath; this.path = fsPath; this.scheme = 'file'; }
  static file(p) { return new Uri(p); }
  static joinPath(base, ...parts) { return new Uri(path.join(base.fsPath, ...parts)); }
  toString() { return `file://${this.fsPath}`; }
}
const workspaceRoot = path.join(os.tmpdir(), 'kilobench-activation-ws');
const configuration = { get: (_key, fallback) => fallback, update: async () => undefined, has: () => false, inspect: () => undefined };
const channel = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, dispose() {} };
const statusItem = { show() {}, hide() {}, dispose() {} };

module.exports = {
  EventEmitter, Uri,
  ThemeIcon: class { constructor(id, color) { this.id = id; this.color = color; } },
  ThemeColor: class { constructor(id) { this.id = id; } },
  TreeItem: class { constructor(label, state) { this.label = label; this.collapsibleState = state; } },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  RelativePattern: class { constructor(base, pattern) { this.base = base; this.pattern = pattern; } },
  MarkdownString: class { constructor(v) { this.value = v ?? ''; } appendMarkdown(t) { this.value += t; return this; } appendText(t) { this.value += t; return this; } },
  window: {
    createOutputChannel: () => channel,
    createTreeView: () => ({ dispose() {}, onDidChangeSelection: noop }),
    registerTreeDataProvider: noop,
    registerWebviewViewProvider: noop,
    registerWebviewPanelSerializer: noop,
    createStatusBarItem: () => statusItem,
    showErrorMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    showWarningMessage: async () => undefined,
  },
  commands: { registerCommand: noop, executeCommand: async () => undefined },
  workspace: {
    workspaceFolders: [{ uri: Uri.file(workspaceRoot), name: 'ws', index: 0 }],
    isTrusted: true,
    getConfiguration: () => configuration,
    onDidChangeConfiguration: noop,
    onDidGrantWorkspaceTrust: noop,
    createFileSystemWatcher: () => ({ onDidChange: noop, onDidCreate: noop, onDidDelete: noop, dispose() {} }),
  },
  languages: { createDiagnosticCollection: () => ({ clear() {}, set() {}, dispose() {} }) },
  env: { openExternal: async () => true },
};
