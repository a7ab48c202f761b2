/**
 * The extension's end of a webview's message channel: each request is checked against the shared
 * protocol (envelope and params) before its handler runs; a webview may only call the methods its
 * handler table lists; results and events go back in the protocol's format.
 */
import type * as vscode from 'vscode';
import { describeFailure } from './errors';
import { parseRequest, ProtocolError, type EventName, type Events, type Method, type Params, type Result } from '../protocol';

export type Handlers<M extends Method> = { [K in M]: (params: Params<K>) => Result<K> | Promise<Result<K>> };

export class RpcHost<M extends Method> implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly handlers: Handlers<M>,
    private readonly log: vscode.LogOutputChannel,
    private readonly name: string,
  ) {
    this.subscription = webview.onDidReceiveMessage((message: unknown) => void this.receive(message));
  }

  private async receive(message: unknown): Promise<void> {
    let id = -1;
    try {
      const raw = message as { id?: unknown };
      if (typeof raw?.id === 'number') id = raw.id;
      const request = parseRequest(message);
      id = request.id;
      const handler = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[request.method];
      if (!handler) throw new ProtocolError(`${this.name} may not call ${request.method}`);
      const result = await handler(request.params);
      await this.webview.postMessage({ kind: 'response', id, ok: true, result: result === undefined ? {} : result });
    } catch (e) {
      const error = (e as Error).message ?? String(e);
      if (e instanceof ProtocolError) this.log.warn(`${this.name}: refused a message: ${error}`);
      else {
        // The webview shows the message; the log line follows the error's kind (a stack only for a bug).
        const { log } = describeFailure(this.name, e);
        this.log[log.level](log.line);
      }
      if (id >= 0) await this.webview.postMessage({ kind: 'response', id, ok: false, error }).then(undefined, () => undefined);
    }
  }

  /** Pushes an event; false when the webview is gone or hidden without a context. */
  async emit<E extends EventName>(event: E, data: Events[E]): Promise<boolean> {
    try {
      return await this.webview.postMessage({ kind: 'event', event, data });
    } catch {
      return false;
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
