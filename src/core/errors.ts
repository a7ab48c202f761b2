/**
 * KiloBench's error tree. Each kind maps to how a trial ends, so no layer has to guess from a
 * message whether something was the agent's fault.
 */
export class KiloBenchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The machine failed us: Docker unreachable, an image that does not build, a container that will not start. */
export class InfraError extends KiloBenchError {
  constructor(message: string, readonly detail?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The verifier could not run, or its output says nothing we can score. */
export class VerifierError extends KiloBenchError {}

/** The user (or the run) cancelled. */
export class CancelledError extends KiloBenchError {
  constructor(message = 'cancelled') {
    super(message);
  }
}
