/**
 * The webview's end of the message channel: typed requests to the extension (checked on the way
 * back against the shared protocol), typed events from it, and the webview's saved state.
 */
import {
  checkResult, parseHostMessage, type EventName, type Events, type Method, type Params, type Result,
} from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let nextId = 1;
const pending = new Map<number, { method: Method; resolve(value: unknown): void; reject(error: Error): void }>();
const listeners = new Map<EventName, Set<(data: never) => void>>();

window.addEventListener('message', (event: MessageEvent) => {
  let message;
  try {
    message = parseHostMessage(event.data);
  } catch (e) {
    reportProblem('error', `refused a message from the extension: ${(e as Error).message}`);
    return;
  }
  if (message.kind === 'event') {
    for (const fn of listeners.get(message.event) ?? []) {
      try {
        (fn as (data: unknown) => void)(message.data);
      } catch (e) {
        reportProblem('error', `${message.event} handler: ${(e as Error).stack ?? e}`);
      }
    }
    return;
  }
  const waiting = pending.get(message.id);
  if (!waiting) return;
  pending.delete(message.id);
  if (!message.ok) {
    waiting.reject(new Error(message.error));
    return;
  }
  try {
    waiting.resolve(checkResult(waiting.method, message.result));
  } catch (e) {
    waiting.reject(e as Error);
  }
});

export function request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
    api.postMessage({ kind: 'request', id, method, params });
  });
}

export function on<E extends EventName>(event: E, fn: (data: Events[E]) => void): void {
  const set = listeners.get(event) ?? new Set();
  set.add(fn as (data: never) => void);
  listeners.set(event, set);
}

export function getState<T>(): Partial<T> {
  const state = api.getState();
  return state && typeof state === 'object' ? (state as Partial<T>) : {};
}

export function setState<T>(state: T): void {
  api.setState(state);
}

/** Counts problems on <body> (for tests) and tells the extension's log. */
export function reportProblem(kind: 'error' | 'csp', message: string): void {
  const key = kind === 'csp' ? 'cspViolations' : 'errors';
  document.body.dataset[key] = String(Number(document.body.dataset[key] ?? '0') + 1);
  try {
    api.postMessage({ kind: 'request', id: nextId++, method: 'webview/problem', params: { kind, message: message.slice(0, 2000) } });
  } catch {
    // nothing more to do
  }
}

/** Errors and Content-Security-Policy violations never pass silently. */
export function watchProblems(): void {
  document.body.dataset.errors ??= '0';
  document.body.dataset.cspViolations ??= '0';
  window.addEventListener('error', (e) => reportProblem('error', `${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener('unhandledrejection', (e) => reportProblem('error', `unhandled: ${(e.reason as Error)?.message ?? e.reason}`));
  document.addEventListener('securitypolicyviolation', (e) => reportProblem('csp', `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
}
