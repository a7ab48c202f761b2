/**
 * The one object every editor feature receives: the extension context, the log, settings, keys,
 * the engine, and the shared catalogs of tasks and models. Built once at activation.
 */
import * as vscode from 'vscode';
import { Config } from './config';
import { Engine } from './engine';
import { describeFailure, SHOW_LOG } from './errors';
import { Keys } from './secrets';
import { ModelCatalog } from './model-catalog';
import { TaskCatalog } from './task-catalog';
import { storageFolder } from './storage';

export interface Ctx {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  config: Config;
  keys: Keys;
  engine: Engine;
  tasks: TaskCatalog;
  models: ModelCatalog;
  /** Files of the extension (media/, dist/). */
  uri(...path: string[]): vscode.Uri;
  /** Logs an error and tells the user as its kind says (errors.ts `describeFailure`), with the fix as a button when there is one. */
  fail(what: string, error: unknown): void;
}

export function createContext(extension: vscode.ExtensionContext): Ctx {
  const log = vscode.window.createOutputChannel('KiloBench', { log: true });
  const config = new Config(extension.workspaceState);
  const engine = new Engine(config, storageFolder(extension), log);
  const ctx: Ctx = {
    extension,
    log,
    config,
    keys: new Keys(extension.secrets),
    engine,
    tasks: new TaskCatalog(config, extension.extensionPath, log),
    models: new ModelCatalog(config, extension.secrets),
    uri: (...path) => vscode.Uri.joinPath(extension.extensionUri, ...path),
    fail(what, error) {
      const notice = describeFailure(what, error);
      log[notice.log.level](notice.log.line);
      if (notice.show === 'none') return;
      const show = notice.show === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
      void show(notice.text, ...notice.buttons).then((choice) => {
        if (notice.fix && choice === notice.fix.label) void vscode.commands.executeCommand(notice.fix.command, ...(notice.fix.args ?? []));
        else if (choice === SHOW_LOG) log.show();
      });
    },
  };
  extension.subscriptions.push(log, engine, ctx.tasks, ctx.models);
  // A bad engine setting is told when it is written, not first at the next Start.
  extension.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!Config.affects(e, 'dockerHost', 'dockerHosts', 'enginesFile')) return;
    try {
      engine.engineChoice();
    } catch (error) {
      ctx.fail('the Docker engine settings', error);
    }
  }));
  return ctx;
}
