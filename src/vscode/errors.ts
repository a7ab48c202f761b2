/** The editor layer's one error class: a message for the user and, when there is one, the fix as a command. */
export class EngineError extends Error {
  constructor(message: string, readonly fix?: { label: string; command: string; args?: unknown[] }) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The fix offered whenever Docker cannot be reached. */
export const DOCKER_HOST_FIX = { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['kilobench.dockerHost'] };

/** The error for a Docker engine that does not answer, naming where KiloBench looked when known. */
export function dockerUnreachable(e: Error, where?: string): EngineError {
  return new EngineError(`KiloBench cannot reach Docker${where ? ` at ${where}` : ''}: ${e.message}. Start Docker, or set kilobench.dockerHost.`, DOCKER_HOST_FIX);
}
