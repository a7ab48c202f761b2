/**
 * The one object every editor feature receives: the extension context, the log, settings, keys,
 * the engine, and the shared catalogs of tasks and models. Built once at activation.
 */
import * as vscode from 'vscode';
import { Config } from './config';
import { Engine } from './engine';
import { EngineError } from './errors';
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
  /** Logs an error and tells the user, with the fix as a button when there is one. */
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
      const message = error instanceof Error ? error.message : String(error);
      // An EngineError says what to do; its stack helps no one. Anything else is a bug: keep the stack.
      log.error(`${what}: ${error instanceof Error && !(error instanceof EngineError) ? error.stack ?? message : message}`);
      const fix = error instanceof EngineError ? error.fix : undefined;
      const buttons = [...(fix ? [fix.label] : []), 'Show Log'];
      void vscode.window.showErrorMessage(`KiloBench: ${what}: ${message}`, ...buttons).then((choice) => {
        if (fix && choice === fix.label) void vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
        else if (choice === 'Show Log') log.show();
      });
    },
  };
  extension.subscriptions.push(log, engine, ctx.tasks, ctx.models);
  return ctx;
}
