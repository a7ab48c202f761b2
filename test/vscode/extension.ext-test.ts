/**
 * Extension-host tests: the real extension in a real VS Code (code-server here; VS Code desktop via
 * `.vscode-test.mjs` elsewhere). Commands are registered; a run started through the command API
 * against the simulated provider completes and shows up in the Runs tree.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KiloBenchApi } from '../../src/extension';
import type { RunsNode } from '../../src/vscode/runs-model';
import type { TasksNode } from '../../src/vscode/tasks-view';
import { requireTrust, UNTRUSTED_MESSAGE } from '../../src/vscode/run-controller';

const ID = 'kilobench.kilobench';

describe('KiloBench in the extension host', function () {
  let api: KiloBenchApi;

  it('activates lazily, on a view or a command, and quickly', async () => {
    const ext = vscode.extensions.getExtension<KiloBenchApi>(ID);
    assert.ok(ext, `extension ${ID} is not installed`);
    const manifest = ext.packageJSON as { activationEvents: string[] };
    assert.ok(!manifest.activationEvents.includes('*') && !manifest.activationEvents.includes('onStartupFinished'), 'activation must be lazy');
    const wasActive = ext.isActive;
    const started = performance.now();
    api = await ext.activate();
    const wall = performance.now() - started;
    assert.ok(api, 'activate() returned no API (activation failed: see the KiloBench log)');
    console.log(`    [activation] ${wasActive ? 'already active' : `activate() ${wall.toFixed(1)} ms wall`}; activate body ${api.activation.ms.toFixed(1)} ms`);
    assert.ok(api.activation.ms < 50, `activation took ${api.activation.ms.toFixed(1)} ms (budget 50 ms)`);
  });

  it('registers every command the manifest contributes', async () => {
    const ext = vscode.extensions.getExtension(ID)!;
    const declared = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands declared but not registered: ${missing.join(', ')}`);
    assert.ok(declared.length >= 15);
  });

  it('refuses runs in an untrusted workspace with a message that says why', () => {
    assert.throws(() => requireTrust(false), (e: Error) => e.message === UNTRUSTED_MESSAGE && /untrusted workspace/.test(e.message));
    assert.doesNotThrow(() => requireTrust(true));
  });

  it('runs a benchmark through the command API against the simulated provider, and the Runs tree shows it', async function () {
    this.timeout(600_000);
    const result = await vscode.commands.executeCommand<{ runId: string; summary?: { status: string; progress: { done: number; total: number; passed: number } } }>('kilobench.startRun', {
      tasks: ['csv-to-json-employees'], models: ['sim/direct'], harness: 'builtin', trialsPerPair: 1, concurrency: 1, budgetUsd: null, trialBudgetUsd: null,
    });
    assert.ok(result?.runId, 'kilobench.startRun returned no run (see the KiloBench log)');
    assert.equal(result.summary?.status, 'finished');
    assert.equal(result.summary?.progress.done, 1);
    console.log(`    [run] ${result.runId}: ${result.summary?.progress.passed}/${result.summary?.progress.total} passed`);

    const runs = (await api.runsTree.getChildren()) as RunsNode[];
    const run = runs.find((n) => n.kind === 'run' && n.runId === result.runId);
    assert.ok(run, `run ${result.runId} is not in the Runs tree (${runs.map((r) => r.label).join(', ')})`);
    assert.match(run.description, /^[A-Z][a-z]{2} \d{1,2} \d{2}:\d{2} · \d\/1 passed \(\d+%\) · \$/, 'date, pass share and spend');
    const models = (await api.runsTree.getChildren(run)) as RunsNode[];
    assert.deepEqual(models.map((m) => m.label), ['sim/direct']);
    const trials = (await api.runsTree.getChildren(models[0])) as RunsNode[];
    assert.equal(trials.length, 1);
    assert.equal(trials[0]?.kind, 'trial');
    assert.match(trials[0]!.label, /^csv-to-json-employees #1$/);
    assert.match(trials[0]!.description, /^(passed|failed) · \$/);

    await vscode.commands.executeCommand('kilobench.openDashboard', result.runId);
    await vscode.commands.executeCommand('kilobench.openTranscript', trials[0]);
    let tabs: string[] = [];
    for (let i = 0; i < 50 && !(tabs.some((t) => t.startsWith('KiloBench:')) && tabs.some((t) => t.startsWith('Transcript:'))); i++) {
      await new Promise((r) => setTimeout(r, 100));
      tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    }
    assert.ok(tabs.some((t) => t === `KiloBench: ${result.runId}`), `no dashboard tab in ${tabs.join(', ')}`);
    assert.ok(tabs.some((t) => t.startsWith('Transcript: ')), `no transcript tab in ${tabs.join(', ')}`);

    // Exports: the same report the CLI writes, as JSON, CSV (two tables) and a self-contained HTML page.
    const out = mkdtempSync(join(tmpdir(), 'kilobench-ext-export-'));
    try {
      const json = await vscode.commands.executeCommand<string>('kilobench.exportRun', result.runId, 'json', join(out, 'r.json'));
      const report = JSON.parse(readFileSync(json, 'utf8')) as { run: { id: string }; models: { model: string; attempts: number }[] };
      assert.equal(report.run.id, result.runId);
      assert.deepEqual(report.models.map((m) => [m.model, m.attempts]), [['sim/direct', 1]]);
      await vscode.commands.executeCommand('kilobench.exportRun', result.runId, 'csv', join(out, 'r-models.csv'));
      assert.match(readFileSync(join(out, 'r-models.csv'), 'utf8'), /^model,harness,/);
      assert.match(readFileSync(join(out, 'r-tasks.csv'), 'utf8'), /^task,model,harness,/);
      const html = readFileSync(await vscode.commands.executeCommand<string>('kilobench.exportRun', result.runId, 'html', join(out, 'r.html')), 'utf8');
      assert.match(html, /<html/);
      assert.match(html, /Chart/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('lists workspace task folders in the Tasks tree, with loading errors as diagnostics on the task file', async function () {
    this.timeout(60_000);
    const folder = mkdtempSync(join(tmpdir(), 'kilobench-ext-tasks-'));
    const bad = join(folder, 'broken-task');
    mkdirSync(bad);
    writeFileSync(join(bad, 'task.yaml'), 'difficulty: impossible\nmax_agent_timeout_sec: -3\n');
    const config = vscode.workspace.getConfiguration('kilobench');
    try {
      await config.update('taskFolders', [folder], vscode.ConfigurationTarget.Global);
      let folders: TasksNode[] = [];
      for (let i = 0; i < 50; i++) {
        folders = (await api.tasksTree.getChildren()) as TasksNode[];
        if (folders.some((f) => f.kind === 'folder' && f.folder.folder === folder)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const mine = folders.find((f) => f.kind === 'folder' && f.folder.folder === folder);
      assert.ok(mine && mine.kind === 'folder', `folder ${folder} not in the Tasks tree`);
      assert.ok(folders.some((f) => f.kind === 'folder' && f.folder.source === 'bundled' && f.folder.tasks.length >= 10));
      const tasks = (await api.tasksTree.getChildren(mine)) as TasksNode[];
      assert.equal(tasks.length, 1);
      const task = tasks[0]!;
      assert.ok(task.kind === 'task' && task.entry.task.errors.length > 0, 'the broken task has no errors');
      const diagnostics = vscode.languages.getDiagnostics(vscode.Uri.file(join(bad, 'task.yaml')));
      assert.ok(diagnostics.length > 0, 'no diagnostics on task.yaml');
      assert.ok(diagnostics.every((d) => d.source === 'KiloBench'));
      assert.ok(diagnostics.some((d) => /instruction/i.test(d.message)), diagnostics.map((d) => d.message).join('; '));
    } finally {
      await config.update('taskFolders', undefined, vscode.ConfigurationTarget.Global);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps API keys out of settings: the manifest has no key setting', () => {
    const manifest = JSON.parse(readFileSync(join(vscode.extensions.getExtension(ID)!.extensionPath, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    const keys = Object.keys(manifest.contributes.configuration.properties).filter((k) => /key|secret|token/i.test(k) && k !== 'kilobench.models');
    assert.deepEqual(keys, []);
  });
});
