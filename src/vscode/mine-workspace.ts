/**
 * "Compare models on this workspace": mines the workspace's git history for commits that fix code
 * and change tests (with progress and cancel), keeps the tasks that validate, shows them with their
 * instructions for review, and opens the Benchmark form with them selected. Everything is written
 * to the extension's storage for this workspace; the repository is only read.
 */
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MineResult } from '../core/mine';
import type { Ctx } from './context';
import { dockerUnreachable, EngineError } from './errors';
import { loadCore } from './load-core';
import { requireTrust } from './run-controller';
import { storageFolder } from './storage';
import { preselectTasks } from './benchmark-view';
import { plural } from '../core/format';

/** This workspace's mined tasks: in the extension's storage, never in the repository. */
export function minedTasksFolder(ctx: Ctx): string {
  return join(storageFolder(ctx.extension), 'mined');
}

/** A Markdown page of the kept tasks (with their instructions) and the rejected commits (with reasons). */
export function reviewMarkdown(result: MineResult): string {
  const lines = [`# Tasks mined from ${result.repo}`, '', `${plural(result.kept.length, 'task')} kept, ${plural(result.rejected.length, 'commit')} rejected. Each kept task was validated twice: its reference solution (the commit's code change) passes and doing nothing fails.`, ''];
  for (const task of result.kept) {
    lines.push(`## ${task.id}`, '', `Commit \`${task.sha.slice(0, 7)}\` · ${task.toolchain} · tests: \`${task.testCommand}\``);
    if (task.failToPass.length) lines.push('', `Fail → pass: ${task.failToPass.map((t) => `\`${t}\``).join(', ')}; kept passing: ${task.passToPass.length}`);
    lines.push('', `Instruction (edit it in [instruction.md](<${vscode.Uri.file(join(task.dir, 'instruction.md')).toString()}>)):`, '', ...task.instruction.trim().split('\n').map((l) => `> ${l}`), '');
  }
  if (result.rejected.length) {
    lines.push('## Rejected commits', '', '| Commit | Subject | Reason |', '| --- | --- | --- |');
    for (const r of result.rejected) lines.push(`| \`${r.sha.slice(0, 7)}\` | ${r.subject.replace(/\|/g, '\\|')} | ${r.reason.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n') + '\n';
}

/** The workspace folder, once it is known to be trusted and a git repository (runs git, whose config can run commands). */
async function workspaceRepo(ctx: Ctx): Promise<string> {
  requireTrust();
  const root = ctx.config.workspaceRoot;
  if (!root) throw new EngineError('Open a folder first: tasks are mined from the workspace\'s git history.');
  await loadCore().repoRoot(root).catch((e: Error) => {
    throw new EngineError(`${e.message}. Tasks are mined from the commits of a git repository.`);
  });
  return root;
}

/** Mines the workspace; undefined when cancelled. */
export async function mineWorkspace(ctx: Ctx): Promise<MineResult | undefined> {
  const root = await workspaceRepo(ctx);
  const core = loadCore();
  const out = minedTasksFolder(ctx);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'KiloBench: mining tasks from this workspace\'s history', cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    progress.report({ message: 'connecting to Docker…' });
    const runtime = new core.DockerRuntime(ctx.config.dockerHost);
    await runtime.ping().catch((e: Error) => { throw dockerUnreachable(e); });
    let steps = 1;
    const result = await core.mine(runtime, {
      repo: root, out, concurrency: ctx.config.concurrency, signal: abort.signal,
      onBuildLog: (task, line) => ctx.log.trace(`build ${task}: ${line}`),
      onProgress: (e) => {
        if (e.kind === 'commits') {
          steps = e.candidates + 2;
          progress.report({ message: `${e.total} commits read, ${e.candidates} change code and tests` });
        } else if (e.kind === 'probe') progress.report({ message: `testing ${e.sha.slice(0, 7)} ${e.subject} (${e.index + 1}/${e.of})`, increment: 100 / steps });
        else if (e.kind === 'validate') progress.report({ message: `validating ${plural(e.tasks, 'task')}, round ${e.round} of 2`, increment: 100 / steps });
        else if (e.kind === 'rejected') ctx.log.info(`mine: ${e.candidate.sha.slice(0, 7)} ${e.candidate.subject}: rejected: ${e.candidate.reason}`);
        else ctx.log.info(`mine: ${e.task.sha.slice(0, 7)} ${e.task.subject}: kept as ${e.task.id}`);
      },
    });
    return abort.signal.aborted ? undefined : result;
  });
}

/** Mines, shows the kept tasks for review, and opens the Benchmark form with them selected. */
export async function compareOnWorkspace(ctx: Ctx): Promise<MineResult | undefined> {
  const result = await mineWorkspace(ctx);
  if (!result) {
    void vscode.window.showWarningMessage('KiloBench: mining cancelled.');
    return undefined;
  }
  const review = join(result.out, 'REVIEW.md');
  await writeFile(review, reviewMarkdown(result));
  if (result.kept.length === 0) {
    void vscode.window.showWarningMessage(`KiloBench: no commit of this workspace made a valid task (${result.rejected.length} rejected). The review lists each reason.`, 'Open Review')
      .then((c) => c && vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(review)));
    return result;
  }
  await ctx.config.addTaskFolder(result.out);
  preselectTasks(result.kept.map((t) => t.dir));
  ctx.tasks.refresh();
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(review)).then(undefined, () => vscode.window.showTextDocument(vscode.Uri.file(review)));
  await vscode.commands.executeCommand('kilobench.benchmark.focus').then(undefined, () => undefined);
  void vscode.window.showInformationMessage(`KiloBench: ${plural(result.kept.length, 'task')} mined from this workspace and selected in the Benchmark view. Pick models and start the run.`);
  return result;
}

/**
 * "New task from this workspace…": a guided edit of a mined task (so the task has a known solution
 * and validates). Mines first when this workspace has no mined task yet.
 */
export async function newTaskFromWorkspace(ctx: Ctx): Promise<string | undefined> {
  await workspaceRepo(ctx);
  const core = loadCore();
  let report = await core.readMineReport(minedTasksFolder(ctx));
  if (!report || report.kept.length === 0) {
    const go = await vscode.window.showInformationMessage('KiloBench makes tasks from commits of this workspace that fix code and change tests: each has a known solution and a check. Mine them now?', { modal: true }, 'Mine Tasks');
    if (go !== 'Mine Tasks') return undefined;
    report = await mineWorkspace(ctx);
    if (!report || report.kept.length === 0) throw new EngineError('no commit of this workspace made a valid task: commit a fix together with the test that shows it, then try again (or use "New Task…" to write one by hand)');
    await ctx.config.addTaskFolder(report.out);
    ctx.tasks.refresh();
  }
  const picked = await vscode.window.showQuickPick(report.kept.map((t) => ({ label: t.id, description: `${t.sha.slice(0, 7)} · ${t.toolchain}`, detail: t.instruction.split('\n').find((l) => l.trim())?.replace(/^#\s*/, ''), task: t })), { title: 'New task from this workspace: start from which fix?' });
  if (!picked) return undefined;
  await vscode.window.showTextDocument(vscode.Uri.file(join(picked.task.dir, 'instruction.md')), { preview: false });
  void vscode.window.showInformationMessage(`Edit the instruction of ${picked.task.id} as you would brief a colleague; its tests and solution come from commit ${picked.task.sha.slice(0, 7)}. Run "KiloBench: Validate Tasks" after larger edits.`);
  return picked.task.dir;
}
