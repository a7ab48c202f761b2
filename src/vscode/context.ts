/** The one object every editor feature receives: the extension context plus a levelled log. */
import * as vscode from 'vscode';

export interface Ctx {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  /** Register a command under the `kilobench.` prefix and dispose it with the extension. */
  command(name: string, handler: (...args: never[]) => unknown): void;
}

export function createContext(extension: vscode.ExtensionContext): Ctx {
  const log = vscode.window.createOutputChannel('KiloBench', { log: true });
  extension.subscriptions.push(log);
  const ctx: Ctx = {
    extension,
    log,
    command(name, handler) {
      extension.subscriptions.push(vscode.commands.registerCommand(`kilobench.${name}`, handler as (...args: unknown[]) => unknown));
    },
  };
  ctx.command('showLog', () => log.show());
  return ctx;
}
