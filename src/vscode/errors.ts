/**
 * The editor's errors and the one place it decides how to tell one: by the core's error kind
 * (`KiloBenchError.kind`, src/core/errors.ts), as the CLI does in src/cli/errors.ts `describeFailure`.
 * No `vscode` here, so the mapping is unit-tested as it is.
 */
import { KiloBenchError, type ErrorKind } from '../core/errors';

/** A command that fixes the problem, offered as the message's button. */
export interface Fix {
  label: string;
  command: string;
  args?: unknown[];
}

/**
 * The editor layer's one error class: a message for the user, the fix as a command when there is
 * one, and its kind (most are about what the user chose: `input`).
 */
export class EngineError extends KiloBenchError {
  override readonly kind: ErrorKind;

  constructor(message: string, readonly fix?: Fix, kind: ErrorKind = 'input') {
    super(message);
    this.kind = kind;
  }
}

/** The fix offered whenever Docker cannot be reached. */
export const DOCKER_HOST_FIX: Fix = { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['kilobench.dockerHost'] };

/** The error for a Docker engine that does not answer, naming where KiloBench looked when known. */
export function dockerUnreachable(e: Error, where?: string): EngineError {
  return new EngineError(`KiloBench cannot reach Docker${where ? ` at ${where}` : ''}: ${e.message}. Start Docker, or set kilobench.dockerHost.`, DOCKER_HOST_FIX, 'infra');
}

export const SHOW_LOG = 'Show Log';

/** How the editor tells a failure: the popup (or none), its buttons, and the log line. */
export interface FailureNotice {
  /** `warning`: something the user chose, with the text and its fix; `error`: the machine or a bug; `none`: cancelled. */
  show: 'warning' | 'error' | 'none';
  text: string;
  /** The fix's label (when there is one), then "Show Log" for anything but the user's input. */
  buttons: string[];
  fix?: Fix;
  log: { level: 'info' | 'warn' | 'error'; line: string };
}

/** The kind of any thrown value: a `KiloBenchError`'s own, anything else is a bug (`internal`). */
export function errorKind(error: unknown): ErrorKind {
  return error instanceof KiloBenchError ? error.kind : 'internal';
}

/**
 * The editor's one mapping from an error to what the user sees. input → a warning with the text
 * (and the fix's button); infra, verifier, store → an error with "Show Log"; cancelled → nothing
 * (a log line); internal → an error with "Show Log", and the stack in the log (only a bug's stack
 * helps anyone).
 */
export function describeFailure(what: string, error: unknown): FailureNotice {
  const message = error instanceof Error ? error.message : String(error);
  const text = `KiloBench: ${what}: ${message}`;
  const fix = error instanceof EngineError ? error.fix : undefined;
  const fixButton = fix ? [fix.label] : [];
  const kind = errorKind(error);
  switch (kind) {
    case 'cancelled':
      return { show: 'none', text, buttons: [], log: { level: 'info', line: `${what}: ${message}` } };
    case 'input':
      return { show: 'warning', text, buttons: fixButton, ...(fix ? { fix } : {}), log: { level: 'warn', line: `${what}: ${message}` } };
    case 'infra':
    case 'verifier':
    case 'store':
      return { show: 'error', text, buttons: [...fixButton, SHOW_LOG], ...(fix ? { fix } : {}), log: { level: 'error', line: `${what}: ${message}` } };
    case 'internal': {
      const stack = error instanceof Error ? error.stack ?? message : message;
      return { show: 'error', text, buttons: [...fixButton, SHOW_LOG], ...(fix ? { fix } : {}), log: { level: 'error', line: `${what}: ${stack}` } };
    }
  }
}
