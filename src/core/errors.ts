/**
 * KiloBench's error tree. Each kind maps to how a trial ends, so no layer has to guess from a
 * message whether something was the agent's fault.
 */
/**
 * What kind of failure an error is, the one thing a front end needs to decide how to tell it (the
 * CLI's exit code, the editor's message): `input`, something the user gave is wrong (a file, a flag, a
 * setting: the message names it and the fix); `infra`, the machine failed us; `verifier`, a task's
 * tests could not be run or read; `cancelled`; `store`, the results database refused or is unreadable;
 * `internal`, a bug.
 */
export type ErrorKind = 'input' | 'infra' | 'verifier' | 'cancelled' | 'store' | 'internal';

export class KiloBenchError extends Error {
  readonly kind: ErrorKind = 'internal';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Something the user gave is wrong: a file, a flag, a setting, a name. The message names it and says the fix. */
export class InputError extends KiloBenchError {
  override readonly kind: ErrorKind = 'input';
}

/** The machine failed us: Docker unreachable, an image that does not build, a container that will not start. */
export class InfraError extends KiloBenchError {
  override readonly kind: ErrorKind = 'infra';

  constructor(message: string, readonly detail?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The verifier could not run, or its output says nothing we can score. */
export class VerifierError extends KiloBenchError {
  override readonly kind: ErrorKind = 'verifier';
}

/** The user (or the run) cancelled. */
export class CancelledError extends KiloBenchError {
  override readonly kind: ErrorKind = 'cancelled';

  constructor(message = 'cancelled') {
    super(message);
  }
}
