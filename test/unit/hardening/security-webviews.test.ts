/**
 * Webviews and Workspace Trust, through the real editor-layer modules on a fake `vscode`:
 * - every view (Benchmark sidebar, dashboard, transcript, and the error page) gets HTML with a
 *   nonce-based CSP: no 'unsafe-inline'/'unsafe-eval', scripts only with the page's fresh nonce,
 *   every resource from the extension's own media/ and dist/webview/, no inline handlers;
 * - a malformed message of every kind is refused (answered with an error when it has an id) and
 *   never reaches a handler; a view cannot call another view's methods (the dashboard cannot start
 *   a run);
 * - an untrusted workspace cannot start, resume or validate runs, nor make a task from the
 *   workspace (which runs git in it), by any route; the manifest declares limited support and
 *   restricts the settings that choose what runs, where results go and where keys are sent.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- modules that import 'vscode' load after the fake is installed */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REQUESTS, type Method } from '../../../src/protocol';
import { CSP_SOURCE, FakePanel, FakeUri, FakeWebview, installFakeVscode, state } from './fake-vscode';

type Modules = {
  html: typeof import('../../../src/vscode/webview-html');
  dashboard: typeof import('../../../src/vscode/dashboard-panel');
  transcript: typeof import('../../../src/vscode/transcript-panel');
  benchmark: typeof import('../../../src/vscode/benchmark-view');
  controller: typeof import('../../../src/vscode/run-controller');
  commands: typeof import('../../../src/vscode/run-commands');
  tasks: typeof import('../../../src/vscode/tasks-view');
};

const EXT = FakeUri.file('/ext');
const ASSET_ROOTS = [`${CSP_SOURCE}/ext/media/`, `${CSP_SOURCE}/ext/dist/webview/`];

/** What the handlers reached: a handler that ran shows up here. */
function fakeCtx() {
  const reached: string[] = [];
  const logs: string[] = [];
  const none = () => ({ dispose: () => undefined });
  const ctx = {
    extension: { extensionUri: EXT, extensionPath: '/ext', subscriptions: [] as unknown[], workspaceState: { get: (_k: string, d: unknown) => d, update: async () => undefined } },
    log: { info: () => undefined, trace: () => undefined, debug: () => undefined, show: () => undefined, warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) },
    config: { harness: 'nop', trialsPerPair: 1, concurrency: 1, budgetUsd: null, trialBudgetUsd: null, agentTimeoutMultiplier: 1, testTimeoutMultiplier: 1, workspaceRoot: '/nonexistent-workspace', dockerHost: undefined, addTaskFolder: async () => { reached.push('config.addTaskFolder'); return ''; } },
    keys: { has: async () => false, env: async () => { reached.push('keys.env'); return { env: {}, missing: [] }; } },
    engine: {
      status: null, running: false, requireIdle: () => undefined,
      read: async () => { reached.push('engine.read'); throw new Error('no store in this test'); },
      ready: async () => { reached.push('engine.ready'); throw new Error('no store in this test'); },
      run: async () => { reached.push('engine.run'); throw new Error('no runs in this test'); },
      cancel: async () => { reached.push('engine.cancel'); return false; },
      onStatus: none, onRunEvents: none, notifyStoreChanged: () => undefined,
    },
    tasks: {
      options: async () => { reached.push('tasks.options'); return []; },
      all: async () => { reached.push('tasks.all'); return [{ task: { id: 'alpha', path: '/tasks/alpha', errors: [] } }]; },
      byKey: async () => { reached.push('tasks.byKey'); return undefined; },
      onDidChange: none, refresh: () => undefined,
    },
    models: { list: () => ({ models: [], problems: [] }), options: async () => ({ options: [], problems: [] }), onDidChange: none },
    uri: (...path: string[]) => FakeUri.joinPath(EXT, ...path),
    fail: (what: string, e: unknown) => logs.push(`${what}: ${(e as Error).message}`),
  };
  return { ctx, reached, logs };
}

function checkPage(html: string, what: string): string {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, `${what}: a CSP meta tag`);
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name as string, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"], what);
  const script = directives.get('script-src') ?? [];
  assert.equal(script.length, 1, `${what}: script-src is the nonce only`);
  const nonce = /^'nonce-([A-Za-z0-9+/=]{24,})'$/.exec(script[0] ?? '')?.[1];
  assert.ok(nonce, `${what}: script-src nonce`);
  for (const [name, values] of directives) {
    for (const value of values) {
      const ok = value === "'none'" || value === `'nonce-${nonce}'` || value === CSP_SOURCE || (name === 'img-src' && value === 'data:');
      assert.ok(ok, `${what}: ${name} allows ${value}`);
    }
  }
  assert.doesNotMatch(csp, /unsafe-|\*|http:/, what);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  for (const [, attrs, body] of scripts) {
    assert.ok(attrs?.includes(`nonce="${nonce}"`), `${what}: every script carries the nonce`);
    assert.equal(body?.trim(), '', `${what}: no inline script`);
  }
  for (const [, attrs] of html.matchAll(/<(?:style|link)\b([^>]*)>/g)) assert.ok(attrs?.includes(`nonce="${nonce}"`), `${what}: styles carry the nonce`);
  for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) {
    assert.ok(ASSET_ROOTS.some((root) => url?.startsWith(root)), `${what}: ${url} is not a local asset`);
  }
  assert.doesNotMatch(html, /<[^>]*\son[a-z]+\s*=/i, `${what}: no inline event handlers`);
  assert.doesNotMatch(html, /<[^>]*\sstyle\s*=/i, `${what}: no style attributes`);
  return nonce;
}

function checkOptions(options: unknown, what: string): void {
  const o = options as { enableScripts?: boolean; enableCommandUris?: boolean; localResourceRoots?: FakeUri[] };
  assert.equal(o.enableCommandUris, false, what);
  assert.deepEqual(o.localResourceRoots?.map((u) => u.path).sort(), ['/ext/dist/webview', '/ext/media'], what);
}

/** A malformed version of a valid request for each method, and one well-formed request. */
const VALID: { [M in Method]: unknown } = {
  'benchmark/options': {}, 'run/status': {}, 'workspace/trust': {}, 'run/cancel': {}, 'tasks/addFolder': {}, 'dashboard/data': {}, 'transcript/data': {}, 'dashboard/workspace': { workspace: null },
  'run/start': { taskKeys: ['/tasks/alpha'], modelIds: [], harness: 'nop', trialsPerPair: 1, concurrency: 1, budgetUsd: null, trialBudgetUsd: null },
  'keys/set': { keyName: 'openai-compatible' },
  'dashboard/open': { runId: 'r1' },
  'dashboard/pair': { task: 'alpha', model: 'm', harness: 'nop' },
  'dashboard/export': { format: 'csv' },
  'transcript/open': { trialId: 't1' },
  'run/forecast': { taskKeys: ['/tasks/alpha'], modelIds: [], harness: 'nop', trialsPerPair: 1, concurrency: 1, budgetUsd: null, trialBudgetUsd: null },
  'transcript/show': { trialId: 't1', filters: { task: null, model: 'm', status: null } },
  'webview/problem': { kind: 'error', message: 'x' },
};

function malformed(method: Method): unknown[] {
  const params = VALID[method] as Record<string, unknown>;
  const wrongType = Object.keys(params).length ? { ...params, [Object.keys(params)[0] as string]: { $gt: '' } } : { sneaky: true };
  return [
    { kind: 'request', id: 11, method, params: wrongType },
    { kind: 'request', id: 12, method, params: { ...params, __proto__: { polluted: true }, extra: '../../etc' } },
    { kind: 'request', id: 13, method, params: 'not-an-object' },
    { kind: 'request', id: 14, method, params: [params] },
    { kind: 'request', id: -1, method, params },
    { kind: 'request', id: 1.5, method, params },
    { kind: 'request', id: '15', method, params },
    { kind: 'response', id: 16, ok: true, result: params },
    { kind: 'event', event: method, data: params },
    { id: 17, method, params },
    { kind: 'request', id: 18, method: `${method} `, params },
    { kind: 'request', id: 19, method: method.toUpperCase(), params },
    { kind: 'request', id: 20, method: 'constructor', params },
    { kind: 'request', id: 21, method: '__proto__', params },
    { kind: 'request', id: 22, method: 'hasOwnProperty', params },
    null, undefined, 42, method, [method, params],
  ];
}

describe('security: webviews and Workspace Trust (fake vscode)', () => {
  let undo: () => void;
  let m: Modules;
  before(() => {
    undo = installFakeVscode();
    m = {
      html: require('../../../src/vscode/webview-html'),
      dashboard: require('../../../src/vscode/dashboard-panel'),
      transcript: require('../../../src/vscode/transcript-panel'),
      benchmark: require('../../../src/vscode/benchmark-view'),
      controller: require('../../../src/vscode/run-controller'),
      commands: require('../../../src/vscode/run-commands'),
      tasks: require('../../../src/vscode/tasks-view'),
    };
  });
  after(() => undo());
  beforeEach(() => {
    state.trusted = false;
    for (const panel of state.panels.splice(0)) panel.dispose(); // the one transcript tab is reused while open
    state.commands.length = 0;
    state.progress = 0;
    state.viewProviders.clear();
  });

  /** The three views as the extension creates them, each with its webview and its handler set. */
  function openViews(ctx: ReturnType<typeof fakeCtx>['ctx']): { name: string; webview: FakeWebview; methods: Method[] }[] {
    const c = ctx as never;
    for (const panel of state.panels.splice(0)) panel.dispose(); // the one transcript tab is reused while open: a fresh one here
    m.benchmark.activateBenchmarkView(c, new m.controller.RunController(c));
    const sidebar = new FakeWebview();
    state.viewProviders.get(m.benchmark.BENCHMARK_VIEW)?.resolveWebviewView({ webview: sidebar, onDidDispose: () => undefined });
    m.dashboard.DashboardPanel.show(c, [`run-${Math.random()}`]);
    m.transcript.TranscriptPanel.show(c, `trial-${Math.random()}`);
    const [dashboard, transcript] = state.panels as [FakePanel, FakePanel];
    return [
      { name: 'benchmark', webview: sidebar, methods: ['benchmark/options', 'run/status', 'run/start', 'run/forecast', 'run/cancel', 'tasks/addFolder', 'workspace/trust', 'keys/set', 'dashboard/open', 'webview/problem'] },
      { name: 'dashboard', webview: dashboard.webview, methods: ['dashboard/data', 'dashboard/workspace', 'dashboard/pair', 'dashboard/export', 'transcript/open', 'webview/problem'] },
      { name: 'transcript', webview: transcript.webview, methods: ['transcript/data', 'transcript/show', 'webview/problem'] },
    ];
  }

  it('every view\'s HTML has a fresh nonce-based CSP, local resources only and no inline code', () => {
    const { ctx } = fakeCtx();
    const nonces = new Set<string>();
    for (const round of [1, 2]) {
      for (const view of openViews(ctx)) {
        nonces.add(checkPage(view.webview.html, `${view.name} #${round}`));
        checkOptions(view.webview.options, view.name);
        assert.match(view.webview.html, new RegExp(`dist/webview/${view.name}\\.js"`));
      }
    }
    assert.equal(nonces.size, 6, 'a new nonce for every page');
    for (const panel of state.panels) checkOptions(panel.options, panel.viewType);
    const error = m.html.errorHtml(new FakeWebview() as never, '<script>alert(1)</script>', 'bad "thing" <img src=x onerror=alert(2)>');
    checkPage(error, 'error page');
    assert.doesNotMatch(error, /<script>alert|<img/);
  });

  it('the webview scripts use no eval, no new Function and no HTML strings', () => {
    const dir = join(__dirname, '../../../webview');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(source, /\beval\(|new Function\(|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write/, file);
    }
  });

  it('refuses malformed messages of every kind on every view: no handler runs, and a readable id gets an error', async () => {
    const { ctx, reached, logs } = fakeCtx();
    state.trusted = true;
    const views = openViews(ctx);
    for (const view of views) {
      for (const method of Object.keys(REQUESTS) as Method[]) {
        for (const message of malformed(method)) {
          const before = view.webview.posted.length;
          await view.webview.deliver(message);
          assert.deepEqual(reached, [], `${view.name} acted on ${JSON.stringify(message)}`);
          assert.deepEqual(state.commands, [], `${view.name} ran a command for ${JSON.stringify(message)}`);
          const replies = view.webview.posted.slice(before) as { kind: string; id: number; ok: boolean; error?: string }[];
          const id = (message as { id?: unknown } | null)?.id;
          if (typeof id === 'number' && id >= 0 && Number.isInteger(id)) {
            assert.equal(replies.length, 1, `${view.name}: one reply to ${JSON.stringify(message)}`);
            assert.equal(replies[0]?.ok, false);
            assert.equal(replies[0]?.id, id);
            assert.ok(replies[0]?.error);
          } else {
            assert.ok(replies.every((r) => r.ok === false), `${view.name}: ${JSON.stringify(message)}`);
          }
        }
        // A well-formed request for a method this view does not serve is refused too.
        if (!view.methods.includes(method)) {
          const before = view.webview.posted.length;
          await view.webview.deliver({ kind: 'request', id: 99, method, params: VALID[method] });
          assert.deepEqual(reached, [], `${view.name} served ${method}`);
          assert.deepEqual(state.commands, []);
          assert.match(String((view.webview.posted[before] as { error?: string }).error), new RegExp(`may not call ${method}`));
        }
      }
    }
    assert.ok(logs.some((l) => /refused a message/.test(l)));
    assert.ok(!({} as Record<string, unknown>).polluted, 'no prototype pollution');
    // The same views do act on well-formed requests: the refusals above were about the messages.
    const [sidebar, dashboard] = views as [typeof views[0], typeof views[0]];
    await dashboard.webview.deliver({ kind: 'request', id: 100, method: 'dashboard/data', params: {} });
    await sidebar.webview.deliver({ kind: 'request', id: 101, method: 'run/cancel', params: {} });
    await sidebar.webview.deliver({ kind: 'request', id: 102, method: 'dashboard/open', params: { runId: 'r1' } });
    assert.deepEqual(reached, ['engine.read', 'engine.cancel']);
    assert.deepEqual(state.commands, [['kilobench.openDashboard', 'r1']]);
  });

  it('an untrusted workspace cannot start, resume or validate runs, nor snapshot the workspace, by any route', async () => {
    const { ctx, reached } = fakeCtx();
    const c = ctx as never;
    const untrusted = /Runs are disabled in an untrusted workspace/;
    const [sidebar] = openViews(ctx);
    const runs = new m.controller.RunController(c);
    const commands = m.commands.runCommands(c, runs, { refresh: () => undefined } as never);
    const tasks = m.tasks.activateTasksView(c).commands;

    await sidebar!.webview.deliver({ kind: 'request', id: 1, method: 'run/start', params: VALID['run/start'] });
    assert.match(String((sidebar!.webview.posted.at(-1) as { error?: string }).error), untrusted);
    await assert.rejects(runs.start(VALID['run/start'] as never), untrusted);
    await assert.rejects(runs.resume('r1'), untrusted);
    await assert.rejects(commands.startRun({ tasks: ['alpha'], harness: 'nop' }), untrusted);
    await assert.rejects(commands.resumeRun('r1'), untrusted);
    await assert.rejects(tasks.validateTasks(), untrusted);
    await assert.rejects(tasks.newWorkspaceTask(), untrusted);
    await assert.rejects(tasks.compareOnWorkspace(), untrusted);
    assert.deepEqual(reached.filter((r) => r !== 'tasks.all'), [], 'nothing was planned, read or run');
    assert.equal(state.progress, 0, 'no progress notification: nothing started');

    // Trusted, the same routes get past the gate (and stop at the fake's missing task / store / git).
    state.trusted = true;
    await sidebar!.webview.deliver({ kind: 'request', id: 2, method: 'run/start', params: VALID['run/start'] });
    assert.match(String((sidebar!.webview.posted.at(-1) as { error?: string }).error), /no longer in the task list/);
    await assert.rejects(runs.resume('r1'), /no store in this test/);
    // The restricted-mode banner's button opens VS Code's own trust editor, nothing else.
    await sidebar!.webview.deliver({ kind: 'request', id: 3, method: 'workspace/trust', params: {} });
    assert.deepEqual(state.commands.map((c) => (Array.isArray(c) ? c[0] : c)).filter((c) => c === 'workbench.trust.manage'), ['workbench.trust.manage']);
    await assert.rejects(tasks.newWorkspaceTask(), /not inside a git repository/);
    await assert.rejects(tasks.compareOnWorkspace(), /not inside a git repository/);
    assert.ok(reached.includes('tasks.byKey') && reached.includes('engine.ready'));
  });

  it('the manifest supports untrusted workspaces only in part and restricts the settings that decide what runs and where', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations: string[] } } };
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    for (const setting of ['kilobench.models', 'kilobench.taskFolders', 'kilobench.dockerHost', 'kilobench.dockerHosts', 'kilobench.enginesFile', 'kilobench.resultsPath']) {
      assert.ok(untrusted.restrictedConfigurations.includes(setting), setting);
    }
  });
});
