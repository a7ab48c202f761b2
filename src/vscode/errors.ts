/** The editor layer's one error class: a message for the user and, when there is one, the fix as a command. */
export class EngineError extends Error {
  constructor(message: string, readonly fix?: { label: string; command: string; args?: unknown[] }) {
    super(message);
    this.name = 'EngineError';
  }
}
