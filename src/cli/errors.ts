import { InputError, KiloBenchError } from '../core';

/** A mistake in how the command was called (bad path, bad flag value): exit code 2. */
export class UsageError extends InputError {}

export const EXIT_OK = 0;
/** The command ran and found problems (failed trials, broken tasks), or failed unexpectedly. */
export const EXIT_PROBLEMS = 1;
/** The command was called wrongly: a flag, a file, a name the user gave. */
export const EXIT_USAGE = 2;

/**
 * The one place the CLI turns an error into what it prints and its exit code: a mistake in what the
 * user gave (the core's `input` kind) is one line and exit 2; anything else exit 1, with the stack
 * only under KILOBENCH_DEBUG.
 */
export function describeFailure(e: unknown): { line: string; code: number } {
  if (e instanceof KiloBenchError && e.kind === 'input') return { line: `kilobench: ${e.message}`, code: EXIT_USAGE };
  const error = e as Error;
  return { line: `kilobench: ${process.env.KILOBENCH_DEBUG ? error.stack : error.message ?? String(e)}`, code: EXIT_PROBLEMS };
}
