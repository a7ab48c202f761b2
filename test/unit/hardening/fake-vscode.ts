/**
 * A small fake of the `vscode` module for unit tests of the editor layer (fakes only in unit tests):
 * URIs, event emitters, a workspace whose trust the test sets, windows that record the webview
 * panels and views they create, and webviews that record what is posted to them and let the test
 * deliver messages as a webview would. Installed with `installFakeVscode()`, removed with the
 * function it returns.
 */
import Module from 'node:module';
import { posix } from 'node:path';

export class FakeUri {
  constructor(readonly scheme: string, readonly path: string) {}
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path.replace(/^\/+/, '')}`;
  }
  static file(path: string): FakeUri {
    return new FakeUri('file', path);
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, posix.join(base.path, ...parts));
  }
}

interface Disposable { dispose(): void }
const disposable = (): Disposable => ({ dispose: () => undefined });

class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  event = (listener: (value: T) => void): Disposable => {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

export class FakeWebview {
  options: unknown = {};
  html = '';
  readonly cspSource = CSP_SOURCE;
  readonly posted: unknown[] = [];
  private listeners: ((message: unknown) => void)[] = [];
  asWebviewUri(uri: FakeUri): FakeUri {
    return new FakeUri('https', `file+.vscode-resource.vscode-cdn.net${uri.path}`);
  }
  onDidReceiveMessage(listener: (message: unknown) => void): Disposable {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  }
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  /** Delivers a message as the webview's script would, and lets the handlers run. */
  async deliver(message: unknown): Promise<void> {
    for (const l of this.listeners) l(message);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

export class FakePanel {
  readonly webview = new FakeWebview();
  visible = true;
  iconPath: unknown;
  constructor(readonly viewType: string, public title: string, readonly options: unknown) {}
  private readonly disposeListeners: (() => void)[] = [];
  reveal(): void {}
  onDidDispose(listener: () => void): Disposable {
    this.disposeListeners.push(listener);
    return disposable();
  }
  onDidChangeViewState(): Disposable { return disposable(); }
  dispose(): void {
    for (const l of this.disposeListeners.splice(0)) l();
  }
}

export const state = {
  trusted: false,
  panels: [] as FakePanel[],
  viewProviders: new Map<string, { resolveWebviewView(view: unknown): void }>(),
  commands: [] as unknown[][],
  progress: 0,
  messages: [] as string[],
  /** `kilobench.*` settings by key (without the section); unset keys give the caller's fallback. */
  settings: new Map<string, unknown>(),
};

class Stub {
  constructor(..._args: unknown[]) {}
}

const fake = {
  Uri: FakeUri,
  EventEmitter,
  Disposable: class { constructor(private readonly fn: () => void) {} dispose() { this.fn(); } static from() { return disposable(); } },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  TreeItem: Stub, ThemeIcon: Stub, ThemeColor: Stub, Diagnostic: Stub, Range: Stub, MarkdownString: Stub,
  workspace: {
    get isTrusted() { return state.trusted; },
    workspaceFolders: undefined,
    onDidGrantWorkspaceTrust: disposable,
    onDidChangeConfiguration: disposable,
    getConfiguration: () => ({ get: (key: string, fallback: unknown) => (state.settings.has(key) ? state.settings.get(key) : fallback), inspect: () => undefined, update: async () => undefined }),
  },
  window: {
    createWebviewPanel: (viewType: string, title: string, _show: unknown, options: unknown) => {
      const panel = new FakePanel(viewType, title, options);
      state.panels.push(panel);
      return panel;
    },
    registerWebviewViewProvider: (id: string, provider: { resolveWebviewView(view: unknown): void }) => {
      state.viewProviders.set(id, provider);
      return disposable();
    },
    registerWebviewPanelSerializer: disposable,
    createTreeView: () => ({ dispose: () => undefined }),
    withProgress: async (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) => {
      state.progress++;
      return task({ report: () => undefined }, { onCancellationRequested: disposable, isCancellationRequested: false });
    },
    showInformationMessage: async (text: string) => { state.messages.push(text); return undefined; },
    showWarningMessage: async (text: string) => { state.messages.push(text); return undefined; },
    showErrorMessage: async (text: string) => { state.messages.push(text); return undefined; },
    showInputBox: async () => undefined,
    showQuickPick: async () => undefined,
    showOpenDialog: async () => undefined,
    showTextDocument: async () => undefined,
  },
  commands: {
    executeCommand: async (...args: unknown[]) => { state.commands.push(args); return undefined; },
    registerCommand: disposable,
  },
  languages: { createDiagnosticCollection: () => ({ set: () => undefined, clear: () => undefined, dispose: () => undefined }) },
  env: { openExternal: async () => true },
};

/** Makes `require('vscode')` return the fake; returns the undo. */
export function installFakeVscode(): () => void {
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const original = M._resolveFilename;
  const id = 'kilobench-fake-vscode';
  M._cache[id] = { id, filename: id, loaded: true, exports: fake, children: [], paths: [] };
  M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? id : original.call(this, request, ...rest);
  };
  return () => {
    M._resolveFilename = original;
    delete M._cache[id];
  };
}
